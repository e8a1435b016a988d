from qdef.cli import run

run()
