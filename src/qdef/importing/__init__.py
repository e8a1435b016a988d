"""Importing surveys written in other tools into qdef: LimeSurvey survey archives
(``.lss``) and XLSForms (``.xlsx``/``.xls``). See docs/import.md."""

from qdef.importing.report import ImportRefused, ImportResult, Loss, Origin

__all__ = ["ImportRefused", "ImportResult", "Loss", "Origin"]
