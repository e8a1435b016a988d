/* qdef web form: live routing, checks and saving, for the page qdef's html renderer
 * writes. The routing program (the instrument's compiled plan as data) is in the
 * element #qdef-program. The walk below is qdef.routing.walk, and holds() is
 * qdef.routing.evaluate.holds, rule for rule: the browser tests compare them on
 * generated respondents. Nothing here evaluates instrument text as code. */
(function () {
  "use strict";

  var doc = document;
  var program = JSON.parse(doc.getElementById("qdef-program").textContent);
  var steps = program.steps;
  var vars = program.vars;
  var messages = program.messages;
  var form = doc.getElementById("qdef-form");
  var root = doc.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function info(name) {
    return own(vars, name) ? vars[name] : null;
  }

  /* ------------------------------------------------------------------ random order */

  /* The shuffle of qdef.routing.order (docs/webform.md, "Random order"), bit for bit:
   * an FNV-1a hash of the seed and the key (a question's or section's id) seeds a
   * mulberry32 generator, which shuffles the items not anchored (Fisher-Yates from
   * the end); anchored items keep their written places. The browser tests compare it
   * with Python's on the shared vectors. */

  function mix(seed, key) {
    var h = (2166136261 ^ (seed >>> 0)) >>> 0;
    var bytes = new TextEncoder().encode(key);
    for (var i = 0; i < bytes.length; i++) {
      h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
    }
    return h;
  }

  function mulberry32(state) {
    var s = state >>> 0;
    return function () {
      s = (s + 0x6d2b79f5) >>> 0;
      var t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t = (t ^ (t + Math.imul(t ^ (t >>> 7), t | 61))) >>> 0;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function shuffled(items, anchored, seed, key) {
    var next = mulberry32(mix(seed, key));
    var free = items.filter(function (item, index) {
      return !anchored[index];
    });
    for (var i = free.length - 1; i >= 1; i--) {
      var j = Math.floor(next() * (i + 1));
      var swap = free[i];
      free[i] = free[j];
      free[j] = swap;
    }
    var k = 0;
    return items.map(function (item, index) {
      return anchored[index] ? item : free[k++];
    });
  }

  /** The seed: ``?seed=<uint32>`` in the page's address, else a random one. */
  var seed = (function () {
    var given = new URLSearchParams(window.location.search).get("seed");
    if (given !== null && /^[0-9]{1,10}$/.test(given) && Number(given) <= 4294967295) {
      return Number(given);
    }
    return crypto.getRandomValues(new Uint32Array(1))[0];
  })();

  /* The order shown: question or section id -> its codes (ids) in the order shown.
   * The page is put in that order before anything else looks at it. */
  var shownOrder = Object.create(null);
  (function () {
    steps.forEach(function (step) {
      if (step.order) {
        shownOrder[step.q] = shuffled(step.order.codes, step.order.anchored, seed, step.q);
      }
    });
    (program.shuffle || []).forEach(function (section) {
      var ids = shuffled(section.ids, section.anchored, seed, section.id);
      shownOrder[section.id] = ids.filter(function (id, index) {
        return !section.computed[section.ids.indexOf(id)];
      });
    });
  })();

  /** Put the page (``root``: the document, or a language's copy of the page) in the
   * order shown. */
  function arrange(root) {
    var shuffle = program.shuffle;
    if (!shuffle) {
      return;
    }
    steps.forEach(function (step) {
      if (!step.order) {
        return;
      }
      var codes = shownOrder[step.q];
      var wrapper = root.getElementById("q-" + step.q);
      if (wrapper === null) {
        return;
      }
      var containers = Array.prototype.slice.call(
        wrapper.querySelectorAll(".options, tbody, select:not([data-code])")
      );
      containers.forEach(function (container) {
        var byCode = Object.create(null);
        Array.prototype.forEach.call(container.children, function (child) {
          var code = itemCode(child, step.q);
          if (code !== null) {
            byCode[code] = child;
          }
        });
        codes.forEach(function (code) {
          if (own(byCode, code)) {
            container.appendChild(byCode[code]);
          }
        });
      });
    });
    shuffle.forEach(function (section) {
      shownOrder[section.id].forEach(function (id) {
        var wrapper = root.getElementById("q-" + id);
        wrapper.parentNode.appendChild(wrapper); // a section's entries close it
      });
    });
  }
  arrange(doc);

  /** The code of an option's line, a row or a drop-down's entry of question ``q``. */
  function itemCode(element, q) {
    if (element.tagName === "OPTION") {
      return element.value === "" ? null : element.value;
    }
    if (element.tagName === "TR") {
      var heading = element.querySelector("th > span[id]"); // l-<q>.<row>
      return heading === null ? null : heading.id.slice(q.length + 3);
    }
    var input = element.querySelector("input, select");
    if (input === null) {
      return null;
    }
    return input.hasAttribute("data-code") ? input.getAttribute("data-code") : input.value;
  }

  /* ------------------------------------------------------------------ values */

  var ABSENT = undefined;

  /** A literal of the program: numbers too large for a double come as {big: "digits"}. */
  function literal(value) {
    if (value !== null && typeof value === "object") {
      return BigInt(value.big);
    }
    return value;
  }

  function isNumber(value) {
    return typeof value === "number" || typeof value === "bigint";
  }

  /** Python's == as qdef uses it: a truth value equals only a truth value. */
  function equal(left, right) {
    if (typeof left === "boolean" || typeof right === "boolean") {
      return typeof left === "boolean" && typeof right === "boolean" && left === right;
    }
    if (isNumber(left) && isNumber(right)) {
      return left == right; // exact between a BigInt and a double
    }
    if (Array.isArray(left) || Array.isArray(right)) {
      if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) {
        return false;
      }
      for (var i = 0; i < left.length; i++) {
        if (!equal(left[i], right[i])) {
          return false;
        }
      }
      return true;
    }
    return left === right;
  }

  /** Order of two texts by code points (as Python compares), or of two numbers. */
  function order(left, right) {
    if (typeof left === "string" && typeof right === "string") {
      var a = Array.from(left);
      var b = Array.from(right);
      for (var i = 0; i < Math.min(a.length, b.length); i++) {
        var x = a[i].codePointAt(0);
        var y = b[i].codePointAt(0);
        if (x !== y) {
          return x < y ? -1 : 1;
        }
      }
      return a.length - b.length;
    }
    return left < right ? -1 : left > right ? 1 : 0;
  }

  /* ------------------------------------------------------------------ values of expressions */

  /* Arithmetic, functions and numbers as text: qdef.routing.evaluate.value and
   * qdef.expr.values.format_number, rule for rule (docs/format.md, "Expressions").
   * Arithmetic is done on IEEE doubles, as in Python and PHP; an integer beyond a
   * double's precision (a BigInt here, an int in Python) takes part as the double
   * nearest to it. A result that is not finite is absent, as is a division by zero. */

  function arith(op, a, b) {
    if (a === ABSENT || b === ABSENT) {
      return ABSENT;
    }
    var x = Number(a);
    var y = Number(b);
    if (op === "/" && y === 0) {
      return ABSENT;
    }
    var result = op === "+" ? x + y : op === "-" ? x - y : op === "*" ? x * y : x / y;
    return isFinite(result) ? result : ABSENT;
  }

  function negate(a) {
    if (a === ABSENT) {
      return ABSENT;
    }
    return typeof a === "bigint" ? -a : -a + 0; // -0 + 0 is 0
  }

  /** A day-precision ISO date as days since 1970-01-01 (any year from 1). */
  function dayNumber(iso) {
    var bits = iso.split("-").map(Number);
    var date = new Date(Date.UTC(2000, bits[1] - 1, bits[2]));
    date.setUTCFullYear(bits[0]);
    return Math.round(date.getTime() / 86400000);
  }

  function monthsBetween(a, b) {
    if (order(a, b) > 0) {
      return -monthsBetween(b, a);
    }
    var x = a.split("-").map(Number);
    var y = b.split("-").map(Number);
    var months = (y[0] - x[0]) * 12 + (y[1] - x[1]);
    if (x.length > 2 && y[2] < x[2]) {
      months -= 1;
    }
    return months;
  }

  function extreme(values, sign) {
    var best = ABSENT;
    values.forEach(function (x) {
      if (x !== ABSENT && (best === ABSENT || sign * compareValues(x, best) > 0)) {
        best = x;
      }
    });
    return best;
  }

  function compareValues(a, b) {
    if (isNumber(a) && isNumber(b)) {
      return a < b ? -1 : a > b ? 1 : 0;
    }
    return order(a, b);
  }

  function call(name, args, response) {
    var values = function () {
      return args.map(function (arg) {
        return value(arg, response);
      });
    };
    switch (name) {
      case "if":
        return value(holds(args[0], response) ? args[1] : args[2], response);
      case "coalesce":
        for (var i = 0; i < args.length; i++) {
          var got = value(args[i], response);
          if (got !== ABSENT) {
            return got;
          }
        }
        return ABSENT;
      case "sum": {
        var total = 0;
        var all = values();
        for (var k = 0; k < all.length && total !== ABSENT; k++) {
          if (all[k] !== ABSENT) {
            total = arith("+", total, all[k]);
          }
        }
        return total;
      }
      case "count":
        return values().filter(function (x) {
          return x !== ABSENT && x !== false; // a check box counts when ticked
        }).length;
      case "min":
        return extreme(values(), -1);
      case "max":
        return extreme(values(), 1);
      case "len": {
        var text = value(args[0], response);
        return text === ABSENT ? 0 : Array.from(text).length;
      }
      case "concat":
        return values()
          .map(function (x) {
            return x === ABSENT ? "" : x;
          })
          .join("");
      case "selected_count": {
        var chosen = value(args[0], response);
        return Array.isArray(chosen) ? chosen.length : 0;
      }
      case "rank": {
        var ranked = value(args[0], response);
        var item = value(args[1], response);
        var at = Array.isArray(ranked) ? ranked.indexOf(item) : -1;
        return at < 0 ? ABSENT : at + 1; // 1-based; absent when not ranked
      }
    }
    var a = value(args[0], response);
    var b = value(args[1], response);
    if (a === ABSENT || b === ABSENT) {
      return ABSENT;
    }
    switch (name) {
      case "days_between":
        return dayNumber(b) - dayNumber(a);
      case "months_between":
        return monthsBetween(a, b);
      case "years_between":
        if (a.length === 4) {
          return Number(b) - Number(a);
        }
        return Math.trunc(monthsBetween(a, b) / 12) + 0;
    }
    throw new Error("qdef: no such function: " + name);
  }

  var EXACT = Math.pow(2, 53);

  /** A number as qdef.expr.values.format_number writes it: integers up to 2**53 as
   * their digits; every other number as the double it is, in the shortest digits
   * that read back as that double, never with an exponent, a whole number without
   * ".0" and -0 as "0". */
  function formatNumber(x) {
    if (typeof x === "bigint") {
      if (x >= -BigInt(EXACT) && x <= BigInt(EXACT)) {
        return x.toString();
      }
      x = Number(x);
    }
    if (x === 0) {
      return "0";
    }
    if (Number.isInteger(x) && Math.abs(x) <= EXACT) {
      return String(x);
    }
    var sign = x < 0 ? "-" : "";
    var parts = Math.abs(x).toExponential().split("e"); // the shortest digits
    var digits = parts[0].replace(".", "");
    var point = Number(parts[1]) + 1; // how many digits stand before the point
    if (point <= 0) {
      return sign + "0." + "0".repeat(-point) + digits;
    }
    if (point >= digits.length) {
      return sign + digits + "0".repeat(point - digits.length);
    }
    return sign + digits.slice(0, point) + "." + digits.slice(point);
  }

  /* ------------------------------------------------------------------ conditions */

  var stepOfQuestion = Object.create(null); // question id -> its step
  steps.forEach(function (step) {
    stepOfQuestion[step.q] = step;
  });

  function parts(name) {
    return own(stepOfQuestion, name) ? stepOfQuestion[name].parts : [];
  }

  function holds(expr, response) {
    switch (expr[0]) {
      case "lit":
        return literal(expr[1]) === true;
      case "ref":
        return response.get(expr[1]) === true; // a check box, a computed truth value
      case "call":
      case "over":
        return value(expr, response) === true; // if(c, a, b) of conditions, any(), all()
      case "answered":
        if (response.has(expr[1])) {
          return true;
        }
        return parts(expr[1]).some(function (part) {
          return response.has(part);
        });
      case "not":
        return !holds(expr[1], response);
      case "and":
        return expr[1].every(function (operand) {
          return holds(operand, response);
        });
      case "or":
        return expr[1].some(function (operand) {
          return holds(operand, response);
        });
      case "cmp":
        return compare(expr[1], expr[2], expr[3], response);
      case "has": {
        var chosen = value(expr[1], response);
        var wanted = value(expr[2], response);
        if (chosen === ABSENT || wanted === ABSENT) {
          return false;
        }
        if (Array.isArray(chosen)) {
          return chosen.some(function (code) {
            return equal(code, wanted);
          });
        }
        return typeof chosen === "string" && chosen.indexOf(wanted) >= 0;
      }
      case "in": {
        var subject = value(expr[1], response);
        var found =
          subject !== ABSENT &&
          expr[2].some(function (candidate) {
            return equal(subject, literal(candidate));
          });
        return found !== expr[3];
      }
    }
    throw new Error("qdef: not a condition node: " + expr[0]);
  }

  /** An expression's value (ABSENT: undefined); a condition's is true or false. */
  function value(expr, response) {
    switch (expr[0]) {
      case "lit":
        return literal(expr[1]);
      case "ref":
        return response.has(expr[1]) ? response.get(expr[1]) : ABSENT;
      case "arith":
        return arith(expr[1], value(expr[2], response), value(expr[3], response));
      case "neg":
        return negate(value(expr[1], response));
      case "call":
        return call(expr[1], expr[2], response);
      case "over":
        return over(expr[1], expr[2], response);
    }
    return holds(expr, response);
  }

  /** An aggregate over a roster (qdef.routing.evaluate, Over): ``copies`` holds, per
   * slot, whether it has an iteration and the body on that slot's variables. */
  function over(func, copies, response) {
    var records = copies.filter(function (pair) {
      return holds(pair[0], response);
    });
    if (func === "any" || func === "all") {
      var some = func === "any";
      return records[some ? "some" : "every"](function (pair) {
        return holds(pair[1], response);
      });
    }
    var found = records.map(function (pair) {
      return value(pair[1], response);
    });
    if (func === "count") {
      return found.filter(function (x) {
        return x !== ABSENT && x !== false;
      }).length;
    }
    if (func === "sum") {
      var total = 0;
      for (var k = 0; k < found.length && total !== ABSENT; k++) {
        if (found[k] !== ABSENT) {
          total = arith("+", total, found[k]);
        }
      }
      return total;
    }
    return extreme(found, func === "max" ? 1 : -1);
  }

  function isTruth(expr, response) {
    switch (expr[0]) {
      case "lit":
        return typeof literal(expr[1]) === "boolean";
      case "ref":
        return typeof response.get(expr[1]) === "boolean";
      case "arith":
      case "neg":
        return false;
      case "call":
      case "over":
        return typeof value(expr, response) === "boolean";
    }
    return true;
  }

  /** A side of a comparison with a truth value: true/false, or null for an absent
   * variable that is not a check box. */
  function truth(expr, response) {
    if (expr[0] === "lit") {
      var given = literal(expr[1]);
      return typeof given === "boolean" ? given : null;
    }
    if (expr[0] === "ref" || expr[0] === "call" || expr[0] === "over") {
      var answer = value(expr, response);
      return answer === ABSENT || typeof answer === "boolean" ? answer === true : null;
    }
    return holds(expr, response);
  }

  function compare(op, leftExpr, rightExpr, response) {
    if (isTruth(leftExpr, response) || isTruth(rightExpr, response)) {
      var a = truth(leftExpr, response);
      var b = truth(rightExpr, response);
      if (a === null || b === null) {
        return op === "!=";
      }
      return op === "==" ? a === b : a !== b;
    }
    var left = value(leftExpr, response);
    var right = value(rightExpr, response);
    if (left === ABSENT || right === ABSENT) {
      return op === "!=";
    }
    switch (op) {
      case "==":
        return equal(left, right);
      case "!=":
        return !equal(left, right);
      case "<":
        return order(left, right) < 0;
      case "<=":
        return order(left, right) <= 0;
      case ">":
        return order(left, right) > 0;
      default:
        return order(left, right) >= 0;
    }
  }

  /* ------------------------------------------------------------------ the walk */

  function normalize(variable, answer) {
    if (variable.kind === "check") {
      return answer === true ? true : ABSENT;
    }
    if (variable.kind === "choices") {
      var given = new Set(answer);
      return variable.codes.filter(function (code) {
        return given.has(code);
      });
    }
    if (variable.kind === "ranking") {
      // the codes in rank order, each once (the page's drop-downs give no other)
      var seen = new Set();
      return answer.filter(function (code) {
        var fresh = variable.codes.indexOf(code) >= 0 && !seen.has(code);
        seen.add(code);
        return fresh;
      });
    }
    return answer;
  }

  /** Whether ``option`` is chosen in ``chosen`` (a code, a list of codes, or absent);
   * ``sets`` holds each list once as a set, so many follow-ups cost one pass. */
  function isChosen(chosen, option, sets) {
    if (typeof chosen === "string") {
      return chosen === option;
    }
    if (!Array.isArray(chosen)) {
      return false;
    }
    var set = sets.get(chosen);
    if (set === undefined) {
      set = new Set(chosen);
      sets.set(chosen, set);
    }
    return set.has(option);
  }

  function keep(names, answers, response, offered) {
    var sets = new Map();
    names.forEach(function (name) {
      if (!answers.has(name)) {
        return;
      }
      var variable = info(name);
      if (offered !== null && own(variable, "row") && !offered.has(rowCode(variable))) {
        return; // a row not offered
      }
      if (own(variable, "option")) {
        // a follow-up counts only while its option is chosen
        if (!isChosen(response.get(variable.q), variable.option, sets)) {
          return;
        }
      }
      var kept = normalize(variable, answers.get(name));
      if (offered !== null && !own(variable, "row") && !own(variable, "option")) {
        kept = offer(kept, offered); // the question's own choice: offered options only
      }
      if (kept !== ABSENT) {
        response.set(name, kept);
      }
    });
  }

  /** Where the walk goes from a shown step, given the response so far. */
  function target(step, response) {
    var chosen = response.get(step.q);
    return typeof chosen === "string" && own(step.gotos, chosen) ? step.gotos[chosen] : step.next;
  }

  /** The positions shown and the response kept for an answer set (a Map). With
   * ``record`` ({reached, succ}: arrays as long as the steps), also which positions
   * the walk reaches and where it goes from each. ``outside``: the values given
   * from outside for the hidden variables (default: ``answers``). ``errors``: the
   * rules that fail, as [question, rule index] pairs. */
  function walk(answers, record, outside) {
    var response = hiddenValues(outside || answers);
    var shown = [];
    var errors = [];
    var position = 0;
    while (position < steps.length) {
      var step = steps[position];
      var next;
      var offered = step.when === null || holds(step.when, response) ? offeredOf(step, response) : false;
      if (offered === false || (offered !== null && offered.size === 0)) {
        next = position + 1; // not shown: its condition fails, or nothing is offered
      } else {
        shown.push(position); // a computed value too: its condition holds
        if (step.computed) {
          var computed = value(step.computed, response);
          if (computed !== ABSENT) {
            response.set(step.q, computed);
          }
          next = position + 1;
        } else {
          keep(step.vars, answers, response, offered);
          failedRules(step, response).forEach(function (index) {
            errors.push([step.q, index]);
          });
          next = target(step, response);
        }
      }
      if (record) {
        record.reached[position] = 1;
        record.succ[position] = next;
      }
      position = next;
    }
    return { shown: shown, response: response, errors: errors };
  }

  /* ------------------------------------------------------------------ issue-18 features */

  /** The code of a matrix or grid row variable's row (``q.row`` -> ``row``). */
  function rowCode(variable) {
    return variable.row.slice(variable.q.length + 1);
  }

  /** A choice (a code or a list of codes) without the options not offered. */
  function offer(chosen, offered) {
    if (Array.isArray(chosen)) {
      var kept = chosen.filter(function (code) {
        return offered.has(code);
      });
      return kept.length ? kept : ABSENT;
    }
    return typeof chosen === "string" && !offered.has(chosen) ? ABSENT : chosen;
  }

  /** The codes of a step's options (or rows) offered on the response so far, or null
   * when the step offers all, always. */
  function offeredOf(step, response) {
    if (!step.offer) {
      return null;
    }
    var conditions = step.offer.when;
    return new Set(
      step.offer.codes.filter(function (code) {
        return !own(conditions, code) || holds(conditions[code], response);
      })
    );
  }

  /** The indices of a step's rules that fail: checked when one of its variables is
   * answered. */
  function failedRules(step, response) {
    if (!step.rules && !step.total) {
      return [];
    }
    var answeredAny = step.vars.some(function (name) {
      return response.has(name);
    });
    var failed = [];
    if (answeredAny) {
      // a number list's total first, as the index -1 (qdef.routing.interpreter)
      if (step.total && !holds(step.total[0], response)) {
        failed.push(-1);
      }
      (step.rules || []).forEach(function (rule, index) {
        if (!holds(rule[0], response)) {
          failed.push(index);
        }
      });
    }
    return failed;
  }

  /** The message of a failed rule (index -1: the total's). */
  function ruleText(step, index, response) {
    return textOf(index < 0 ? step.total[1] : step.rules[index][1], response);
  }

  var hidden = program.hidden || [];

  /** A value given from outside for a hidden variable, if it is in the variable's
   * domain (a URL parameter is text; a value of an answer set may be typed). */
  function accepted(variable, given) {
    if (given === ABSENT || given === null) {
      return ABSENT;
    }
    switch (variable.kind) {
      case "choice":
        return typeof given === "string" && variable.codes.indexOf(given) >= 0 ? given : ABSENT;
      case "text":
        return typeof given === "string" && given !== "" ? given : ABSENT;
      case "number": {
        var number = given;
        if (typeof given === "string") {
          if (!/^[+-]?[0-9]+(?:\.[0-9]+)?$/.test(given)) {
            return ABSENT;
          }
          if (given.indexOf(".") >= 0) {
            number = Number(given);
          } else {
            number = Number(given);
            if (!Number.isSafeInteger(number)) {
              number = BigInt(given.replace(/^\+/, "")); // exact, as Python keeps it
            }
          }
        } else if (given !== null && typeof given === "object") {
          number = literal(given);
        }
        if (!isNumber(number) || (typeof number === "number" && !isFinite(number))) {
          return ABSENT;
        }
        if (variable.integer && typeof number === "number" && !Number.isInteger(number)) {
          return ABSENT;
        }
        var low = variable.min === null || variable.min === undefined ? null : literal(variable.min);
        var high = variable.max === null || variable.max === undefined ? null : literal(variable.max);
        if ((low !== null && number < low) || (high !== null && number > high)) {
          return ABSENT;
        }
        return number === 0 ? 0 : number;
      }
      case "date": {
        if (typeof given !== "string" || !DATE_SHAPES[variable.precision][0].test(given)) {
          return ABSENT;
        }
        if (isoDate(given, variable.precision) !== given) {
          return ABSENT;
        }
        if ((variable.min && order(given, variable.min) < 0) || (variable.max && order(given, variable.max) > 0)) {
          return ABSENT;
        }
        return given;
      }
    }
    return ABSENT;
  }

  /** The hidden variables' values: given from outside (a Map) if in their domain,
   * else their defaults. */
  function hiddenValues(outside) {
    var values = new Map();
    hidden.forEach(function (variable) {
      var got = accepted(variable, outside.get(variable.name));
      if (got === ABSENT && variable.default !== null && variable.default !== undefined) {
        got = literal(variable.default);
      }
      if (got !== ABSENT) {
        values.set(variable.name, got);
      }
    });
    return values;
  }

  /** The hidden variables' values from the page's URL (``?region=south``). */
  var fromUrl = (function () {
    var given = new Map();
    var search = new URLSearchParams(window.location.search);
    hidden.forEach(function (variable) {
      if (search.has(variable.name)) {
        given.set(variable.name, search.get(variable.name));
      }
    });
    return given;
  })();

  var pieces = program.pieces || [];
  var texts = program.texts || [];

  /** A piped value as text (qdef.routing.evaluate.as_text): a choice as its label, a
   * multiple choice as its labels joined with ", ", a number as format_number writes
   * it, dates and texts as they are. Absent: the fallback (or nothing). */
  function pieceText(piece, response) {
    var got = value(piece.expr, response);
    if (got === ABSENT) {
      return piece.fallback === null || piece.fallback === undefined ? "" : piece.fallback;
    }
    if (isNumber(got)) {
      return formatNumber(got);
    }
    if (Array.isArray(got)) {
      return got
        .map(function (code) {
          return label(piece, code);
        })
        .join(", ");
    }
    if (piece.kind === "choice") {
      return label(piece, got);
    }
    return String(got);
  }

  function label(piece, code) {
    return piece.labels && own(piece.labels, code) ? piece.labels[code] : code;
  }

  /** A whole text of the program (a rule's message, a pattern's, a drop-down's
   * option) with its pieces filled in. */
  function textOf(index, response) {
    return texts[index]
      .map(function (part) {
        return typeof part === "string" ? part : pieceText(pieces[part], response);
      })
      .join("");
  }

  /* ------------------------------------------------------------------ the page's inputs */

  /* Everything below is found through these maps, made in one pass over the inputs:
   * no work done for one row or one input looks at every input of the page, so
   * the page stays fast however many rows a matrix or grid has. */
  var controls = Object.create(null); // variable name -> its inputs
  var byQuestion = Object.create(null); // question id -> the inputs of its variables
  var bySlot = Object.create(null); // a row or question -> the inputs its messages are about
  var rowVars = Object.create(null); // a row (q.row) -> its variables, in page order
  function push(map, key, item) {
    (map[key] = map[key] || []).push(item);
  }
  Array.prototype.forEach.call(form.elements, function (element) {
    var name = element.name;
    var variable = name ? info(name) : null;
    if (!variable) {
      return;
    }
    if (!own(controls, name)) {
      if (own(variable, "row")) {
        push(rowVars, variable.row, name);
      }
    }
    push(controls, name, element);
    push(byQuestion, variable.q, element);
    if (own(variable, "row")) {
      push(bySlot, variable.row, element);
    }
    if (!own(variable, "option")) {
      push(bySlot, variable.q, element);
    }
  });

  /* Each step's rows, and each row's cells among the question's parts. */
  steps.forEach(function (step) {
    var seen = new Set();
    step.rows = [];
    step.followups = [];
    step.vars.forEach(function (name) {
      var variable = info(name);
      if (own(variable, "option")) {
        step.followups.push(name);
      }
      if (own(variable, "row") && !seen.has(variable.row)) {
        seen.add(variable.row);
        step.rows.push(variable.row);
      }
    });
    step.cells = Object.create(null);
    step.parts.forEach(function (name) {
      var variable = info(name);
      if (variable && own(variable, "row") && name.indexOf(variable.row + ".") === 0) {
        push(step.cells, variable.row, name);
      }
    });
  });

  /** A multiple choice's exclusive codes, as a set (made once). */
  function exclusiveCodes(variable) {
    if (!own(variable, "exclusiveSet")) {
      variable.exclusiveSet = new Set(variable.exclusive);
    }
    return variable.exclusiveSet;
  }

  function inputsOf(name) {
    return controls[name] || [];
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return own(values, key) ? String(values[key]) : whole;
    });
  }

  function message(key, values) {
    return fill(messages[key], values || {});
  }

  function showNumber(number) {
    return String(number).replace(".", messages.decimal_separator);
  }

  function showDate(iso) {
    var bits = iso.split("-");
    var key = ["date_value_year", "date_value_month", "date_value_day"][bits.length - 1];
    return message(key, { year: bits[0], month: bits[1], day: bits[2] });
  }

  var NUMBER = /^[+-]?[0-9]+(?:[.,][0-9]+)?$/;

  function parseNumber(text, variable) {
    var given = text.trim();
    var example = variable.integer ? "web_integer" : "web_number";
    if (!NUMBER.test(given)) {
      return { problem: message(example) };
    }
    var number;
    if (/[.,]/.test(given)) {
      if (variable.integer) {
        return { problem: message("web_integer") };
      }
      number = Number(given.replace(",", "."));
      if (!isFinite(number)) {
        return { problem: message("web_number") };
      }
    } else {
      var digits = given.replace(/^\+/, "");
      number = Number(digits);
      if (!Number.isSafeInteger(number)) {
        number = BigInt(digits); // exact, as Python keeps it
      } else if (number === 0) {
        number = 0; // "-0" is 0
      }
    }
    var low = variable.min === null || variable.min === undefined ? null : literal(variable.min);
    var high = variable.max === null || variable.max === undefined ? null : literal(variable.max);
    if ((low !== null && number < low) || (high !== null && number > high)) {
      if (low !== null && high !== null) {
        return { problem: message("web_between", { min: showNumber(low), max: showNumber(high) }) };
      }
      if (low !== null) {
        return { problem: message("web_min", { min: showNumber(low) }) };
      }
      return { problem: message("web_max", { max: showNumber(high) }) };
    }
    if (own(variable, "step")) {
      // min + k·step, k whole (a tolerance of 1e-9·step, as qdef.routing.answers)
      var step = Number(literal(variable.step));
      var start = low === null ? 0 : Number(low);
      var k = Math.round((Number(number) - start) / step);
      if (Math.abs(Number(number) - (start + k * step)) > 1e-9 * step) {
        return { problem: message("web_step", { step: showNumber(formatNumber(step)), start: showNumber(formatNumber(start)) }) };
      }
    }
    return { value: number };
  }

  var DATE_SHAPES = {
    day: [/^([0-9]{4})-([0-9]{2})-([0-9]{2})$/, /^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$/],
    month: [/^([0-9]{4})-([0-9]{2})$/, /^([0-9]{1,2})[./]([0-9]{4})$/],
    year: [/^([0-9]{4})$/]
  };

  function pad(text) {
    return text.length < 2 ? "0" + text : text;
  }

  /** A typed date as ISO text at the precision, or null. Native date and month
   * inputs give ISO already; browsers without them show a text box. */
  function isoDate(text, precision) {
    var shapes = DATE_SHAPES[precision];
    var match = shapes[0].exec(text);
    var iso = null;
    if (match) {
      iso = text;
    } else if (shapes.length > 1 && (match = shapes[1].exec(text))) {
      iso =
        precision === "day"
          ? match[3] + "-" + pad(match[2]) + "-" + pad(match[1])
          : match[2] + "-" + pad(match[1]);
    }
    if (iso === null) {
      return null;
    }
    var bits = iso.split("-").map(Number);
    var year = bits[0];
    var month = bits.length > 1 ? bits[1] : 1;
    var day = bits.length > 2 ? bits[2] : 1;
    var date = new Date(Date.UTC(2000, month - 1, day));
    date.setUTCFullYear(year);
    var real =
      year >= 1 &&
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day;
    return real ? iso : null;
  }

  function parseDate(element, variable) {
    var text = element.value.trim();
    if (element.validity && element.validity.badInput) {
      return { problem: message("web_date_" + variable.precision) };
    }
    if (text === "") {
      return {};
    }
    var iso = isoDate(text, variable.precision);
    if (iso === null) {
      return { problem: message("web_date_" + variable.precision) };
    }
    if (variable.min !== null && variable.min !== undefined && order(iso, variable.min) < 0) {
      return { problem: message("web_date_min", { min: showDate(variable.min) }) };
    }
    if (variable.max !== null && variable.max !== undefined && order(iso, variable.max) > 0) {
      return { problem: message("web_date_max", { max: showDate(variable.max) }) };
    }
    return { value: iso };
  }

  /** What the inputs of one variable hold: {value}, {problem} or {} (unanswered). */
  function readVariable(name) {
    var variable = info(name);
    var inputs = inputsOf(name);
    if (inputs.length === 0) {
      return {};
    }
    var first = inputs[0];
    switch (variable.kind) {
      case "choice": {
        for (var i = 0; i < inputs.length; i++) {
          var input = inputs[i];
          if (input.tagName === "SELECT" ? input.value !== "" : input.checked) {
            return { value: input.value };
          }
        }
        return {};
      }
      case "choices": {
        var chosen = inputs
          .filter(function (box) {
            return box.checked;
          })
          .map(function (box) {
            return box.value;
          });
        if (chosen.length === 0) {
          return {};
        }
        var exclusiveSet = exclusiveCodes(variable);
        var exclusive = chosen.some(function (code) {
          return exclusiveSet.has(code);
        });
        if (!exclusive && variable.minChoices !== null && chosen.length < variable.minChoices) {
          return { value: chosen, problem: message("web_min_choices", { count: variable.minChoices }) };
        }
        if (!exclusive && variable.maxChoices !== null && chosen.length > variable.maxChoices) {
          return { value: chosen, problem: message("web_max_choices", { count: variable.maxChoices }) };
        }
        return { value: chosen };
      }
      case "ranking":
        return readRanking(inputs);
      case "check":
        return first.checked ? { value: true } : {};
      case "number":
        if (first.type === "range") {
          return first.classList.contains("empty") ? {} : parseNumber(first.value, variable);
        }
        return first.value.trim() === "" ? {} : parseNumber(first.value, variable);
      case "date":
        return parseDate(first, variable);
      default: {
        var text = first.value;
        if (text === "") {
          return {};
        }
        if (own(variable, "maxLength") && Array.from(text).length > variable.maxLength) {
          return { problem: message("web_too_long", { max: variable.maxLength }) };
        }
        if (own(variable, "format") && !matches(variable.format, text)) {
          return { problem: message("web_format_" + variable.formatName) };
        }
        if (own(variable, "pattern") && !matches(variable.pattern, text)) {
          return {
            problem: own(variable, "patternText")
              ? textOf(variable.patternText, response)
              : message("web_pattern")
          };
        }
        return { value: text };
      }
    }
  }

  /** A ranking's drop-downs: the codes ranked, in rank order (ranks close up). */
  function readRanking(inputs) {
    var ranked = [];
    var ranks = new Set();
    var twice = false;
    inputs.forEach(function (select) {
      if (select.value !== "") {
        var rank = Number(select.value);
        twice = twice || ranks.has(rank);
        ranks.add(rank);
        ranked.push([rank, select.getAttribute("data-code")]);
      }
    });
    if (ranked.length === 0) {
      return {};
    }
    if (twice) {
      return { problem: message("web_rank_twice") };
    }
    ranked.sort(function (a, b) {
      return a[0] - b[0];
    });
    return {
      value: ranked.map(function (pair) {
        return pair[1];
      })
    };
  }

  var patterns = Object.create(null); // a pattern's source -> its RegExp, made once

  /** Whether a text matches a pattern (qdef.expr.patterns.to_javascript: anchored,
   * for the "u" flag). The source is data of the program, never code. */
  function matches(source, text) {
    if (!own(patterns, source)) {
      patterns[source] = new RegExp(source, "u");
    }
    return patterns[source].test(text);
  }

  /** Every variable's answer (a Map; answers with a problem count as unanswered)
   * and the problems found. */
  function read() {
    var answers = new Map();
    var problems = new Map();
    Object.keys(controls).forEach(function (name) {
      var got = readVariable(name);
      if (got.problem !== undefined) {
        problems.set(name, got.problem);
      } else if (got.value !== undefined) {
        answers.set(name, got.value);
      }
    });
    return { answers: answers, problems: problems };
  }

  /* ------------------------------------------------------------------ showing and hiding */

  /* The page routes incrementally. It keeps what the walk found — which positions
   * it reaches (reachedAt), where it goes from each (succAt), which it shows
   * (shownAt) — with every variable's answer as last read (answers, problems)
   * and the response of the shown questions. An answer changes the variables of
   * one question. The walk before that question cannot change (a condition reads
   * only earlier questions, a goto only goes forward); after it, only a step whose
   * condition reads a variable whose kept value changed can, or a step the path
   * now reaches or leaves. So only those steps are walked again, in position
   * order: ``readers`` (made once from the conditions) names the steps whose
   * condition reads each variable, and where the new path parts from the old one
   * (a goto, a question shown or hidden), both are followed until they meet again.
   * ``fullRefresh`` is the plain evaluation — read every input, walk, set every
   * question — used on opening the page and on saving, and kept for tests:
   * ``qdefForm.debug.audit()`` lists where the page differs from it. */

  var END = steps.length;
  var answers = new Map(); // variable -> its answer, as readVariable gave it last
  var problems = new Map(); // variable -> the problem of its answer
  var response = new Map(); // variable -> its kept value (shown questions only)
  var reachedAt = new Uint8Array(END);
  var succAt = new Int32Array(END);
  var shownAt = new Uint8Array(END);
  var work = { conditions: 0, questions: 0 }; // what routing evaluated (for tests)

  var wrappers = [];
  var sections = Array.prototype.slice.call(form.querySelectorAll("section.section"));
  var sectionOf = new Int32Array(END).fill(-1); // position -> its section's index
  var visibleIn = new Int32Array(sections.length); // section -> its questions not hidden
  (function () {
    var indexOf = new Map();
    sections.forEach(function (section, index) {
      indexOf.set(section, index);
    });
    steps.forEach(function (step, position) {
      step.at = position;
      var wrapper = doc.getElementById("q-" + step.q);
      wrappers.push(wrapper); // null for a computed value: nothing to show
      var section = wrapper === null ? null : wrapper.closest("section.section");
      if (section && indexOf.has(section)) {
        sectionOf[position] = indexOf.get(section);
        if (!wrapper.hidden) {
          visibleIn[sectionOf[position]] += 1;
        }
      }
    });
  })();

  var resetButtons = Object.create(null); // question id -> its "reset" buttons
  Array.prototype.forEach.call(form.querySelectorAll("button[data-reset]"), function (button) {
    push(resetButtons, button.getAttribute("data-reset"), button);
  });

  /* Each variable -> the positions whose condition reads it (an ``answered`` of a
   * question with parts reads its parts). Routing is incremental only if every
   * condition reads variables of earlier questions, as validation ensures; else
   * every change takes the full evaluation. */
  var readers = Object.create(null);
  var incremental = true;
  /** Add the variables ``expr`` reads to the set ``read``. */
  function reads(expr, read) {
    switch (expr[0]) {
      case "ref":
        read.add(expr[1]);
        return;
      case "answered":
        read.add(expr[1]);
        parts(expr[1]).forEach(function (part) {
          read.add(part);
        });
        return;
      case "lit":
        return;
      case "not":
      case "neg":
        reads(expr[1], read);
        return;
      case "and":
      case "or":
        expr[1].forEach(function (operand) {
          reads(operand, read);
        });
        return;
      case "cmp":
      case "arith":
        reads(expr[2], read);
        reads(expr[3], read);
        return;
      case "has":
        reads(expr[1], read);
        reads(expr[2], read);
        return;
      case "in":
        reads(expr[1], read);
        return;
      case "call":
        expr[2].forEach(function (arg) {
          reads(arg, read);
        });
        return;
      case "over":
        expr[2].forEach(function (pair) {
          reads(pair[0], read);
          reads(pair[1], read);
        });
        return;
    }
    throw new Error("qdef: not an expression node: " + expr[0]);
  }

  var isHidden = Object.create(null);
  hidden.forEach(function (variable) {
    isHidden[variable.name] = true;
  });

  steps.forEach(function (step, position) {
    var read = new Set();
    // what decides whether the step is shown, what it offers and what it computes
    [step.when, step.computed].forEach(function (expr) {
      if (expr) {
        reads(expr, read);
      }
    });
    if (step.offer) {
      Object.keys(step.offer.when).forEach(function (code) {
        reads(step.offer.when[code], read);
      });
    }
    read.forEach(function (name) {
      if (isHidden[name]) {
        return; // set once, when the page opens
      }
      var variable = info(name);
      // a question with parts is no variable itself: answered(q) reads its parts
      var question = variable ? variable.q : name;
      var owner = own(stepOfQuestion, question) ? stepOfQuestion[question] : null;
      if (owner === null || owner.at >= position) {
        incremental = false;
      }
      push(readers, name, position);
    });
  });

  /* Piping: the page's pieces (elements [data-pipe]) and whole texts (drop-down
   * options, [data-text]), with the variables each reads; filled in with
   * textContent, never as HTML. */
  var pipeSpans; // piece -> its elements
  var textElements; // text -> its elements
  var pipeReaders; // variable -> pieces ("p<i>") and texts ("t<i>") reading it
  function noteReads(key, expr) {
    var read = new Set();
    reads(expr, read);
    read.forEach(function (name) {
      push(pipeReaders, name, key);
    });
  }
  /** Find the page's pieces and whole texts (again after a change of language: each
   * language numbers its own). */
  function indexPipes() {
    pipeSpans = Object.create(null);
    textElements = Object.create(null);
    pipeReaders = Object.create(null);
    Array.prototype.forEach.call(doc.querySelectorAll("[data-pipe]"), function (element) {
      push(pipeSpans, element.getAttribute("data-pipe"), element);
    });
    Array.prototype.forEach.call(doc.querySelectorAll("[data-text]"), function (element) {
      push(textElements, element.getAttribute("data-text"), element);
    });
    pieces.forEach(function (piece, index) {
      if (own(pipeSpans, String(index))) {
        noteReads("p" + index, piece.expr);
      }
    });
    Object.keys(textElements).forEach(function (index) {
      texts[index].forEach(function (part) {
        if (typeof part !== "string") {
          noteReads("t" + index, pieces[part].expr);
        }
      });
    });
  }
  indexPipes();
  var pipesDirty = new Set();

  /** Fill in the pieces and texts that read a changed variable (``all``: every one). */
  function updatePipes(all) {
    var keys = all ? null : pipesDirty;
    if (all) {
      keys = new Set();
      Object.keys(pipeSpans).forEach(function (index) {
        keys.add("p" + index);
      });
      Object.keys(textElements).forEach(function (index) {
        keys.add("t" + index);
      });
    }
    keys.forEach(function (key) {
      var index = key.slice(1);
      var text = key[0] === "p" ? pieceText(pieces[index], response) : textOf(index, response);
      (key[0] === "p" ? pipeSpans : textElements)[index].forEach(function (element) {
        if (element.textContent !== text) {
          element.textContent = text;
        }
      });
    });
    pipesDirty.clear();
  }

  /* Options and rows offered under a condition: each code's container (an option's
   * line, a drop-down's entry, a row) and inputs, by question. */
  var offerParts = Object.create(null); // question -> code -> {boxes: [...], inputs: [...]}
  steps.forEach(function (step) {
    if (!step.offer) {
      return;
    }
    var byCode = (offerParts[step.q] = Object.create(null));
    step.offer.codes.forEach(function (code) {
      byCode[code] = { boxes: [], inputs: [] };
    });
    step.vars.forEach(function (name) {
      var variable = info(name);
      inputsOf(name).forEach(function (input) {
        var code = null;
        var box = null;
        if (own(variable, "row")) {
          code = rowCode(variable);
          box = input.closest("tr");
        } else if (input.hasAttribute("data-code")) {
          code = input.getAttribute("data-code"); // a ranking item
          box = input.closest(".option");
        } else if (!own(variable, "option")) {
          if (input.tagName === "SELECT") {
            Array.prototype.forEach.call(input.options, function (entry) {
              if (own(byCode, entry.value)) {
                byCode[entry.value].boxes.push(entry);
              }
            });
            return;
          }
          code = input.value;
          box = input.closest(".option");
        }
        if (code !== null && own(byCode, code)) {
          byCode[code].inputs.push(input);
          if (box && byCode[code].boxes.indexOf(box) < 0) {
            byCode[code].boxes.push(box);
          }
        }
      });
    });
  });

  /** Show the options (rows) a shown step offers now and hide the others, emptying
   * and disabling their inputs (``qdefOff`` keeps ``enable`` off them); the
   * variables whose inputs were emptied are read again. */
  function applyOffer(step) {
    var offered = offeredOf(step, response);
    var emptied = new Set();
    step.offer.codes.forEach(function (code) {
      var on = offered.has(code);
      var found = offerParts[step.q][code];
      found.boxes.forEach(function (box) {
        if (box.tagName === "OPTION") {
          box.disabled = !on;
          if (!on && box.selected) {
            box.parentNode.value = "";
            emptied.add(box.parentNode.name);
          }
        }
        if (box.hidden === on) {
          box.hidden = !on;
        }
      });
      found.inputs.forEach(function (input) {
        input.qdefOff = !on;
        if (!on) {
          if (filled(input)) {
            clear(input);
            emptied.add(input.name);
          }
          input.disabled = true;
        }
      });
    });
    emptied.forEach(function (name) {
      touched.add(name);
      reread(name);
    });
  }

  function clear(element) {
    element.qdefRank = ""; // a ranking item: no rank to give away
    if (element.type === "radio" || element.type === "checkbox") {
      element.checked = false;
    } else if (element.type === "range") {
      setSlider(element, null);
    } else {
      element.value = ""; // a text, a date, or a drop-down's empty choice
    }
  }

  function filled(element) {
    if (element.type === "radio" || element.type === "checkbox") {
      return element.checked;
    }
    if (element.type === "range") {
      return !element.classList.contains("empty");
    }
    return element.value !== "" || Boolean(element.validity && element.validity.badInput);
  }

  /* What routing touched, brought up to date at its end (finish). */
  var touched = new Set(); // variables whose inputs changed

  /** Read one variable's inputs into answers and problems. */
  function reread(name) {
    var got = readVariable(name);
    answers.delete(name);
    problems.delete(name);
    if (got.problem !== undefined) {
      problems.set(name, got.problem);
    } else if (got.value !== undefined) {
      answers.set(name, got.value);
    }
  }

  /** Empty and disable a variable's inputs: its answer is gone. */
  function disable(name) {
    inputsOf(name).forEach(function (element) {
      if (filled(element)) {
        clear(element);
        touched.add(name);
      }
      if (!element.disabled) {
        element.disabled = true;
      }
    });
    answers.delete(name);
    problems.delete(name);
  }

  function enable(name) {
    inputsOf(name).forEach(function (element) {
      if (element.disabled && !element.qdefOff) {
        element.disabled = false;
      }
    });
  }

  /** What the walk keeps of a variable of a shown question (its question's own
   * variable kept already). */
  function keptValue(name, sets) {
    if (!answers.has(name)) {
      return ABSENT;
    }
    var variable = info(name);
    if (own(variable, "option") && !isChosen(response.get(variable.q), variable.option, sets)) {
      return ABSENT;
    }
    return normalize(variable, answers.get(name));
  }

  /* The routing under way: the positions to walk again, as a heap (smallest first). */
  var routing = null; // {heap: [...], dirty: Set} while routing

  function mark(position) {
    if (routing.dirty.has(position)) {
      return;
    }
    routing.dirty.add(position);
    var heap = routing.heap;
    var i = heap.push(position) - 1;
    while (i > 0) {
      var parent = (i - 1) >> 1;
      if (heap[parent] <= heap[i]) {
        break;
      }
      heap[i] = heap[parent];
      heap[parent] = position;
      i = parent;
    }
  }

  function smallest() {
    var heap = routing.heap;
    var top = heap[0];
    var last = heap.pop();
    if (heap.length) {
      heap[0] = last;
      var i = 0;
      for (;;) {
        var left = 2 * i + 1;
        var least = i;
        if (left < heap.length && heap[left] < heap[least]) {
          least = left;
        }
        if (left + 1 < heap.length && heap[left + 1] < heap[least]) {
          least = left + 1;
        }
        if (least === i) {
          break;
        }
        heap[i] = heap[least];
        heap[least] = last;
        i = least;
      }
    }
    return top;
  }

  function sameValue(left, right) {
    return typeof left === typeof right && equal(left, right);
  }

  /** Set what the response keeps of a variable; the steps reading it are walked again. */
  function setKept(name, value) {
    if (value === ABSENT) {
      if (!response.has(name)) {
        return;
      }
      response.delete(name);
    } else {
      if (response.has(name) && sameValue(response.get(name), value)) {
        return;
      }
      response.set(name, value);
    }
    if (routing !== null) {
      (readers[name] || []).forEach(mark);
    }
    (pipeReaders[name] || []).forEach(function (key) {
      pipesDirty.add(key);
    });
  }

  function hideVar(name) {
    disable(name);
    setKept(name, ABSENT);
  }

  /** A shown question's variables ``names``: enabled (a follow-up only while its
   * option is chosen) and kept; when its own answer is among them, all its
   * follow-ups too. */
  function syncVars(step, names) {
    if (step.computed) {
      setKept(step.q, value(step.computed, response));
      return;
    }
    if (step.offer) {
      applyOffer(step);
      names = step.vars; // what is offered may have changed any of them
    }
    var list = names;
    if (names !== step.vars && step.followups.length && names.indexOf(step.q) >= 0) {
      list = names.concat(step.followups);
    }
    var sets = new Map();
    list.forEach(function (name) {
      var variable = info(name);
      var off = step.offer && inputsOf(name).every(function (input) {
        return input.qdefOff;
      });
      if (!off && (!own(variable, "option") || isChosen(response.get(variable.q), variable.option, sets))) {
        enable(name);
        setKept(name, keptValue(name, sets));
      } else {
        disable(name);
        setError(name, null);
        setKept(name, ABSENT);
      }
    });
  }

  function setHidden(position, hidden) {
    var wrapper = wrappers[position];
    if (wrapper === null || wrapper.hidden === hidden) {
      return;
    }
    wrapper.hidden = hidden;
    var index = sectionOf[position];
    if (index >= 0) {
      visibleIn[index] += hidden ? -1 : 1;
      var empty = visibleIn[index] === 0;
      if (sections[index].hidden !== empty) {
        sections[index].hidden = empty;
      }
    }
  }

  /** Show a question, or hide it: off the path its inputs are emptied and disabled. */
  function setShown(position, show) {
    var step = steps[position];
    shownAt[position] = show ? 1 : 0;
    if (show) {
      setHidden(position, false);
      restoreDefaults(step);
      syncVars(step, step.vars);
      return;
    }
    if (wrappers[position] !== null && !wrappers[position].hidden) {
      setHidden(position, true);
      clearErrors(step);
    }
    step.vars.forEach(hideVar);
    if (step.computed) {
      setKept(step.q, ABSENT);
    }
  }

  /** A question shown again whose inputs are all empty gets its default back (the
   * value the page opened with, ``default`` in the instrument). */
  function restoreDefaults(step) {
    var inputs = byQuestion[step.q] || [];
    if (inputs.some(filled)) {
      return;
    }
    var restored = new Set();
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.defaultChecked) {
          input.checked = true;
          restored.add(input.name);
        }
      } else if (input.tagName === "SELECT") {
        Array.prototype.forEach.call(input.options, function (entry) {
          if (entry.defaultSelected && entry.value !== "") {
            input.value = entry.value;
            restored.add(input.name);
          }
        });
      } else if (input.type === "range") {
        if (input.hasAttribute("value")) {
          setSlider(input, input.getAttribute("value"));
          restored.add(input.name);
        }
      } else if (input.defaultValue !== "") {
        input.value = input.defaultValue;
        restored.add(input.name);
      }
    });
    restored.forEach(function (name) {
      touched.add(name);
      reread(name);
    });
  }

  /** Walk one step the new path reaches; where the path goes from it. ``changed``:
   * its variables whose answers changed, if any. */
  function visit(position, changed) {
    var step = steps[position];
    work.questions += 1;
    var show = step.when === null;
    if (!show) {
      work.conditions += 1;
      show = holds(step.when, response);
    }
    if (show && step.offer) {
      work.conditions += 1;
      show = offeredOf(step, response).size > 0;
    }
    reachedAt[position] = 1;
    if (show !== (shownAt[position] === 1)) {
      setShown(position, show);
    } else if (show && (step.computed || step.offer)) {
      syncVars(step, step.vars); // what it computes or offers may have changed
    } else if (changed !== undefined) {
      if (show) {
        syncVars(step, changed);
      } else {
        changed.forEach(hideVar);
      }
    }
    var next = show ? target(step, response) : position + 1;
    succAt[position] = next;
    return next;
  }

  /** A step the old path reached and the new one does not. */
  function leave(position) {
    work.questions += 1;
    reachedAt[position] = 0;
    if (shownAt[position]) {
      setShown(position, false);
    }
  }

  /** Route after the answers of ``names`` changed: read them again, and walk again
   * what they can change. */
  function route(names) {
    var changed = new Map(); // position -> its changed variables
    new Set(names).forEach(function (name) {
      reread(name);
      touched.add(name);
      var position = stepOfQuestion[info(name).q].at;
      if (!changed.has(position)) {
        changed.set(position, []);
      }
      changed.get(position).push(name);
    });
    if (!incremental) {
      fullRefresh();
      return;
    }
    routing = { heap: [], dirty: new Set() };
    try {
      changed.forEach(function (list, position) {
        mark(position);
      });
      var done = -1; // every position up to here is walked
      while (routing.heap.length) {
        var start = smallest();
        if (start <= done || !reachedAt[start]) {
          continue; // walked already, or on neither path
        }
        // the old and the new path are at ``start``: follow both until they meet
        // at a position that nothing changed
        var old = start;
        var now = start;
        for (;;) {
          if (old === now) {
            if (now >= END || !routing.dirty.has(now)) {
              break;
            }
            var from = succAt[now];
            now = visit(now, changed.get(now));
            old = from;
          } else if (old < now) {
            var after = succAt[old];
            leave(old);
            old = after;
          } else {
            now = visit(now, changed.get(now));
          }
        }
        done = now;
      }
    } finally {
      routing = null;
    }
    // a changed question off the path is emptied as every question off the path
    changed.forEach(function (list, position) {
      if (!shownAt[position]) {
        list.forEach(hideVar);
      }
    });
    finish(false);
  }

  /** The reset buttons, the date inputs' "empty" marks and the page's "blank" mark,
   * for the variables routing touched (``all``: for every one). */
  function finish(all) {
    var questions = new Set();
    var update = function (name) {
      questions.add(info(name).q);
      inputsOf(name).forEach(function (input) {
        if (input.type === "date" || input.type === "month") {
          input.classList.toggle("empty", input.value === ""); // printed as a plain line
        }
      });
    };
    if (all) {
      Object.keys(controls).forEach(update);
    } else {
      touched.forEach(update);
    }
    touched.clear();
    questions.forEach(function (question) {
      (resetButtons[question] || []).forEach(function (button) {
        var none = !(byQuestion[question] || []).some(isSet);
        if (button.hidden !== none) {
          button.hidden = none;
        }
      });
    });
    root.classList.toggle("blank", answers.size === 0 && problems.size === 0);
    questions.forEach(function (question) {
      showSummed(stepOfQuestion[question]);
    });
    numberIterations();
    updatePipes(all);
  }

  /* Each roster copy's legend starts with its iteration's number (1, 2, … among the
   * copies shown, in slot order). */
  var iterationNumbers = Array.prototype.slice.call(doc.querySelectorAll(".iteration-number"));

  function numberIterations() {
    var counted = Object.create(null);
    iterationNumbers.forEach(function (span) {
      var roster = span.getAttribute("data-roster");
      var section = span.closest("section.section");
      var text = "";
      if (!section.hidden) {
        counted[roster] = (counted[roster] || 0) + 1;
        text = counted[roster] + ".";
      }
      if (span.textContent !== text) {
        span.textContent = text;
      }
    });
  }

  /** Whether an input holds a choice its question's reset button takes back: a box
   * or button ticked, a slider set, a rank given. */
  function isSet(element) {
    if (element.type === "range") {
      return filled(element);
    }
    return element.checked || (element.hasAttribute("data-code") && element.value !== "");
  }

  /** A slider set to ``given`` (a number as text), or unanswered (null). */
  function setSlider(input, given) {
    if (given === null) {
      input.classList.add("empty");
      if (input.hasAttribute("value")) {
        input.value = input.getAttribute("value");
      }
    } else {
      input.classList.remove("empty");
      input.value = given;
    }
    showSlider(input);
  }

  /** The value beside a slider, and what a screen reader says of it (with the unit). */
  function showSlider(input) {
    var shown = doc.getElementById("v-" + input.name);
    var text = message("web_slider_empty");
    if (!input.classList.contains("empty")) {
      text = showNumber(input.value);
      if (input.hasAttribute("data-unit")) {
        text += " " + input.getAttribute("data-unit");
      }
    }
    input.setAttribute("aria-valuetext", text);
    if (shown !== null) {
      shown.textContent = input.classList.contains("empty") ? text : showNumber(input.value);
    }
  }

  /** A number list's running total and a ranking's order so far, as the inputs hold
   * them now (``step`` may be undefined: a question without either). */
  function showSummed(step) {
    if (step === undefined) {
      return;
    }
    var total = step.total ? doc.getElementById("t-" + step.q) : null;
    if (total !== null) {
      var sum = 0;
      step.vars.forEach(function (name) {
        var got = readVariable(name);
        if (got.value !== undefined) {
          sum = arith("+", sum, got.value);
        }
      });
      var text = sum === ABSENT ? "" : showNumber(formatNumber(sum));
      if (total.textContent !== text) {
        total.textContent = text;
      }
    }
    var ordered = doc.getElementById("o-" + step.q);
    if (ordered !== null) {
      var got = readVariable(step.q);
      var words = "";
      if (got.value !== undefined) {
        var names = got.value.map(function (code, index) {
          var item = doc.getElementById("l-" + step.q + "-" + code);
          return index + 1 + ". " + (item === null ? code : item.textContent);
        });
        words = message("web_rank_order", { order: names.join(", ") });
      }
      if (ordered.textContent !== words) {
        ordered.textContent = words;
      }
    }
  }

  /** Show exactly the questions on the respondent's path; clear and disable the
   * rest, and follow-ups of options not chosen: everything evaluated afresh. */
  function fullRefresh() {
    stale.clear();
    var state = read();
    answers = state.answers;
    problems = state.problems;
    reachedAt.fill(0);
    succAt.fill(0);
    var result = walk(answers, { reached: reachedAt, succ: succAt }, fromUrl);
    response = result.response;
    shownAt.fill(0);
    result.shown.forEach(function (position) {
      shownAt[position] = 1;
    });
    steps.forEach(function (step, position) {
      if (shownAt[position]) {
        setHidden(position, false);
        syncVars(step, step.vars);
      } else {
        setShown(position, false);
      }
    });
    finish(true);
    return result;
  }

  /* ------------------------------------------------------------------ errors */

  var shownErrors = Object.create(null); // slot name -> message

  function setError(slot, text) {
    if (!text && !own(shownErrors, slot)) {
      return; // nothing shown, nothing to take away
    }
    var holder = doc.getElementById("e-" + slot);
    if (!holder) {
      return;
    }
    var targets = targetsOf(slot);
    if (text) {
      holder.textContent = text;
      holder.hidden = false;
      shownErrors[slot] = text;
    } else {
      holder.textContent = "";
      holder.hidden = true;
      delete shownErrors[slot];
    }
    var errorId = "e-" + slot;
    targets.forEach(function (element) {
      var ids = (element.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter(function (id) {
          return id && id !== errorId;
        });
      if (text) {
        ids.push(errorId);
        element.setAttribute("aria-invalid", "true");
      } else {
        element.removeAttribute("aria-invalid");
      }
      if (ids.length) {
        element.setAttribute("aria-describedby", ids.join(" "));
      } else {
        element.removeAttribute("aria-describedby");
      }
    });
  }

  /** The inputs a message is about: a variable's, a row's, or a question's (but
   * not the follow-ups of its options). */
  function targetsOf(slot) {
    var direct = inputsOf(slot);
    if (direct.length) {
      return direct;
    }
    return bySlot[slot] || [];
  }

  function clearErrors(step) {
    setError(step.q, null);
    step.vars.forEach(function (name) {
      setError(name, null);
    });
    rowsOf(step).forEach(function (row) {
      setError(row, null);
    });
  }

  function rowsOf(step) {
    return step.rows;
  }

  /** The problems of one shown question: [slot, message] pairs. ``full`` adds what
   * only saving checks: required answers. */
  function problemsOf(step, state, full) {
    var found = [];
    var answered = function (name) {
      return state.answers.has(name) || state.problems.has(name);
    };
    step.vars.forEach(function (name) {
      var variable = info(name);
      var inputs = inputsOf(name);
      if (inputs.length === 0 || inputs[0].disabled) {
        return;
      }
      if (state.problems.has(name)) {
        found.push([name, state.problems.get(name)]);
      } else if (full && variable.required && !answered(name)) {
        found.push([name, message("web_required")]); // a follow-up of the chosen option
      }
    });
    var kind = step.required;
    if (full && kind) {
      var partsOf = step.parts.length ? step.parts : [step.q];
      var offered = offeredOf(step, response); // rows not offered need no answer
      if (kind === "value" && !answered(step.q)) {
        found.push([step.q, message("web_required")]);
      } else if (kind === "rows") {
        rowsOf(step).forEach(function (row) {
          if (offered === null || offered.has(row.slice(step.q.length + 1))) {
            if (!answered(row)) {
              found.push([row, message("web_required_rows")]);
            }
          }
        });
      } else if (kind === "row") {
        rowsOf(step).forEach(function (row) {
          var cells = step.cells[row] || [];
          var on = offered === null || offered.has(row.slice(step.q.length + 1));
          if (on && !cells.some(answered)) {
            found.push([row, message("web_required_row")]);
          }
        });
      } else if (kind === "cells") {
        rowsOf(step).forEach(function (row) {
          var cells = step.cells[row] || [];
          var on = offered === null || offered.has(row.slice(step.q.length + 1));
          if (on && !cells.every(answered)) {
            found.push([row, message("web_required_cells")]);
          }
        });
      } else if (kind === "ranking" && !state.problems.has(step.q)) {
        // complete: min(k, the items offered) ranks
        var variable = info(step.q);
        var count = Math.min(variable.top, offered === null ? variable.codes.length : offered.size);
        var given = state.answers.get(step.q);
        if (given === ABSENT || given.length < count) {
          found.push([step.q, message("web_required_ranking", { count: count })]);
        }
      } else if (kind === "field" && !partsOf.some(answered)) {
        found.push([step.q, message("web_required_field")]);
      } else if (kind === "range" && !partsOf.every(answered)) {
        found.push([step.q, message("web_required_range")]);
      }
    }
    failedRules(step, response).forEach(function (index) {
      found.push([step.q, ruleText(step, index, response)]);
    });
    if (step.parts.length === 2 && step.parts[0] === step.q + ".from") {
      var start = state.answers.get(step.parts[0]);
      var end = state.answers.get(step.parts[1]);
      if (start !== ABSENT && end !== ABSENT && order(start, end) > 0) {
        found.push([step.parts[1], message("web_date_order")]);
      }
    }
    return found;
  }

  function slotsOf(step) {
    return [step.q].concat(step.vars, rowsOf(step));
  }

  /** Check one question and show its messages; ``full`` as in problemsOf. */
  function check(step, state, full) {
    var found = problemsOf(step, state, full);
    var bySlot = Object.create(null);
    found.forEach(function (pair) {
      if (!own(bySlot, pair[0])) {
        bySlot[pair[0]] = pair[1];
      }
    });
    slotsOf(step).forEach(function (slot) {
      setError(slot, own(bySlot, slot) ? bySlot[slot] : null);
    });
    return found;
  }

  function stepOf(name) {
    return stepOfQuestion[info(name).q];
  }

  /* ------------------------------------------------------------------ exclusive answers */

  function exclusiveChoice(input) {
    var variable = info(input.name);
    if (!variable || variable.kind !== "choices" || !input.checked) {
      return;
    }
    var exclusiveSet = exclusiveCodes(variable);
    var isExclusive = exclusiveSet.has(input.value);
    inputsOf(input.name).forEach(function (box) {
      if (box === input) {
        return;
      }
      if (isExclusive || exclusiveSet.has(box.value)) {
        box.checked = false;
      }
    });
  }

  /** A grid row: ticking an exclusive check cell empties the row's other cells, and
   * filling another cell unticks it. */
  function exclusiveCell(input) {
    var variable = info(input.name);
    if (!variable || !own(variable, "row") || own(variable, "specifies")) {
      return;
    }
    var row = variable.row;
    var filled = input.type === "checkbox" ? input.checked : input.value !== "";
    if (!filled) {
      return;
    }
    (rowVars[row] || []).forEach(function (name) {
      var other = info(name);
      if (name === input.name || own(other, "specifies")) {
        return;
      }
      if (other.exclusive === true || variable.exclusive === true) {
        inputsOf(name).forEach(clear);
      }
    });
  }

  /** A rank given to one item that another holds: the other takes this one's old
   * rank (the two swap), so a rank is never given twice by choosing. */
  function otherRank(input) {
    if (!input.hasAttribute("data-code")) {
      return;
    }
    var before = input.qdefRank === undefined ? "" : input.qdefRank;
    inputsOf(input.name).forEach(function (other) {
      if (other !== input && input.value !== "" && other.value === input.value) {
        other.value = before;
        other.qdefRank = before;
      }
    });
    input.qdefRank = input.value;
  }

  /* ------------------------------------------------------------------ events */

  /* Answers changed since they were last saved: leaving the page asks first. */
  var unsaved = false;

  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || !info(input.name)) {
      return;
    }
    unsaved = true;
    exclusiveChoice(input);
    exclusiveCell(input);
    otherRank(input);
    var names = [input.name];
    var variable = info(input.name);
    if (own(variable, "row")) {
      names = names.concat(rowVars[variable.row] || []); // an exclusive cell empties the row
    }
    stale.forEach(function (name) {
      names.push(name);
    });
    stale.clear();
    route(names);
    var step = stepOf(input.name);
    if (step) {
      check(step, { answers: answers, problems: problems }, summaryShown());
    }
  });

  /* Variables whose inputs changed without a change event of their own (a cell
   * emptied while another is typed in): read again at the next change. */
  var stale = new Set();

  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.name || !info(input.name)) {
      return;
    }
    if (input.type === "range") {
      setSlider(input, input.value); // moved: answered now
    }
    showSummed(stepOf(input.name));
    if (input.type !== "checkbox" && input.type !== "radio") {
      exclusiveCell(input);
      var variable = info(input.name);
      if (own(variable, "row")) {
        (rowVars[variable.row] || []).forEach(function (name) {
          stale.add(name);
        });
      }
    }
    // a message disappears as soon as the answer is right
    if (own(shownErrors, input.name) && readVariable(input.name).problem === undefined) {
      setError(input.name, null);
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });

  form.addEventListener("click", function (event) {
    var input = event.target;
    if (input.type === "range" && input.name && input.classList.contains("empty")) {
      // a click on an unanswered slider answers it, even where its knob stood already
      setSlider(input, input.value);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    var button = event.target.closest("button[data-reset]");
    if (!button) {
      return;
    }
    var question = button.getAttribute("data-reset");
    var inputs = byQuestion[question] || [];
    inputs.forEach(clear);
    route(own(stepOfQuestion, question) ? stepOfQuestion[question].vars : []);
    if (inputs.length) {
      inputs[0].focus(); // the button is gone now
    }
  });

  /* ------------------------------------------------------------------ saving */

  var summary = doc.getElementById("qdef-summary");
  var status = doc.getElementById("qdef-status");

  function summaryShown() {
    return !summary.hidden;
  }

  function numberOf(step) {
    return step.number ? step.number + ". " : "";
  }

  function showSummary(found, quietly) {
    var list = summary.querySelector("ul");
    list.textContent = "";
    var firstEnabled = Object.create(null); // question id -> its first enabled input
    found.forEach(function (item) {
      var entry = doc.createElement("li");
      var link = doc.createElement("a");
      var target = inputsOf(item.slot)[0] || doc.getElementById("q-" + item.step.q);
      var question = item.step.q;
      if (!own(firstEnabled, question)) {
        firstEnabled[question] = (byQuestion[question] || []).find(function (e) {
          return !e.disabled;
        });
      }
      var focusable = inputsOf(item.slot)[0] || firstEnabled[question];
      link.href = "#" + (target ? target.id : "");
      link.textContent = numberOf(item.step) + item.text;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (focusable) {
          focusable.focus();
        }
      });
      entry.appendChild(link);
      list.appendChild(entry);
    });
    doc.getElementById("qdef-summary-title").textContent =
      found.length === 1 ? message("web_errors_one") : message("web_errors_many", { count: found.length });
    summary.hidden = false;
    if (!quietly) {
      summary.focus();
    }
  }

  /** JSON as Python's json.dumps(response, indent=2, ensure_ascii=False) writes it;
   * integers too large for a double are written exactly. */
  function serialize(response) {
    return dumped(response, "") + "\n";
  }

  /** One value as json.dumps writes it at the indentation ``indent``: a Map or an
   * object as an object, an array as a list (the order shown, a roster's records). */
  function dumped(answer, indent) {
    var inner = indent + "  ";
    if (Array.isArray(answer)) {
      if (answer.length === 0) {
        return "[]";
      }
      return "[\n" + answer.map(function (item) {
        return inner + dumped(item, inner);
      }).join(",\n") + "\n" + indent + "]";
    }
    if (answer instanceof Map || (answer !== null && typeof answer === "object")) {
      var entries = answer instanceof Map ? Array.from(answer.entries()) : Object.keys(answer).map(function (key) {
        return [key, answer[key]];
      });
      if (entries.length === 0) {
        return "{}";
      }
      return "{\n" + entries.map(function (entry) {
        return inner + JSON.stringify(entry[0]) + ": " + dumped(entry[1], inner);
      }).join(",\n") + "\n" + indent + "}";
    }
    return typeof answer === "bigint" ? answer.toString() : JSON.stringify(answer);
  }

  /** The response with the order shown (``_order``): for each question shown in random
   * order its codes as shown, for each random section with an entry shown its ids;
   * last, in the order qdef.routing.interpreter meets them (a question, then its
   * section). */
  var copies = program.copies || null; // a copy's name -> [roster, slot, the roster's name]

  /** The response with each roster's copies as the roster's records (one per slot
   * with an iteration, in slot order: the iteration order), under the roster's id
   * where its first record's answers stand. */
  function recorded(response) {
    if (copies === null) {
      return new Map(response); // a copy: saving adds to it
    }
    var saved = new Map();
    var records = Object.create(null); // roster -> slot -> its record
    response.forEach(function (answer, name) {
      if (!own(copies, name)) {
        saved.set(name, answer);
        return;
      }
      var copy = copies[name];
      if (!own(records, copy[0])) {
        records[copy[0]] = new Map();
        saved.set(copy[0], records[copy[0]]);
      }
      var slots = records[copy[0]];
      if (!slots.has(copy[1])) {
        slots.set(copy[1], new Map());
      }
      slots.get(copy[1]).set(copy[2], answer);
    });
    Object.keys(records).forEach(function (roster) {
      var slots = records[roster];
      saved.set(
        roster,
        Array.from(slots.keys())
          .sort(function (a, b) {
            return a - b;
          })
          .map(function (slot) {
            return slots.get(slot);
          })
      );
    });
    return saved;
  }

  /** A copy's name as the roster's own (``age@1`` -> ``age``); other names as they are. */
  function original(name) {
    return copies !== null && own(copies, name) ? copies[name][2] : name;
  }

  function withOrder(result, given) {
    var chosen = function (key) {
      // an order given with the answers (qdefForm.walk) that is a permutation of the
      // codes (ids) is kept, as qdef.routing.interpreter keeps it
      var mine = given !== undefined && given !== null && typeof given === "object" ? given[key] : null;
      var own_ = shownOrder[key];
      if (Array.isArray(mine) && mine.length === own_.length &&
          new Set(mine).size === mine.length && mine.every(function (code) {
            return own_.indexOf(code) >= 0;
          })) {
        return mine.slice();
      }
      return own_;
    };
    var order = Object.create(null);
    var keys = [];
    var sectionIds = Object.create(null); // question id -> its random section's id
    (program.shuffle || []).forEach(function (section) {
      section.ids.forEach(function (id) {
        sectionIds[id] = section.id;
      });
    });
    result.shown.forEach(function (position) {
      var step = steps[position];
      if (own(shownOrder, step.q)) {
        order[step.q] = chosen(step.q);
        keys.push(step.q);
      }
      var section = own(sectionIds, step.q) ? sectionIds[step.q] : null;
      if (section !== null && !own(order, section)) {
        order[section] = chosen(section);
        keys.push(section);
      }
    });
    if (keys.length === 0) {
      return copies === null ? result.response : recorded(result.response);
    }
    var saved = recorded(result.response);
    var entries = new Map();
    keys.forEach(function (key) {
      entries.set(key, order[key]);
    });
    saved.set("_order", entries);
    return saved;
  }

  function save() {
    var result = fullRefresh();
    var state = { answers: answers, problems: problems };
    var found = [];
    result.shown.forEach(function (position) {
      var step = steps[position];
      check(step, state, true).forEach(function (pair) {
        found.push({ step: step, slot: pair[0], text: pair[1] });
      });
    });
    if (found.length) {
      status.textContent = "";
      showSummary(found);
      return null;
    }
    summary.hidden = true;
    var json = serialize(withLanguage(withOrder(result)));
    var name = message("web_answers_file", { id: program.instrument });
    var link = doc.createElement("a");
    link.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    link.download = name;
    link.hidden = true;
    doc.body.appendChild(link);
    link.click();
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
      link.remove();
    }, 1000);
    status.textContent = message("web_saved", { file: name });
    unsaved = false;
    return json;
  }

  doc.getElementById("qdef-save").addEventListener("click", save);

  /* ------------------------------------------------------------------ languages */

  /* A page with several languages (docs/webform.md, "Languages") carries the others
   * as <template> elements of the same markup, and the program the values that differ
   * between the languages' programs (messages, piped texts and their numbers).
   * Switching copies the other language's texts into the page, node by node: text
   * nodes and the attributes that hold text. Where a text's markup differs (another
   * number of lines, paragraphs or pieces), the elements the script may hold on to
   * (isAnchor: those with ids, inputs, and those holding either) are matched in
   * order and what stands between them is replaced by copies of the template's.
   * Inputs are never touched, so the answers and the routing stay as they are. */
  var languages = program.languages || null;
  var language = program.lang;
  var models = Object.create(null); // language -> its page (header and main), in the order shown
  var TEXT_ATTRIBUTES = ["lang", "aria-label", "title", "placeholder", "data-pipe", "data-text", "data-unit"];
  var switcher = doc.querySelector(".languages");

  if (languages !== null) {
    var mine = doc.createDocumentFragment();
    mine.appendChild(doc.querySelector("body > header").cloneNode(true));
    mine.appendChild(doc.querySelector("body > main").cloneNode(true));
    models[language] = mine;
  }

  function sameShape(a, b) {
    if (a.length !== b.length) {
      return false;
    }
    for (var i = 0; i < a.length; i++) {
      if (a[i].nodeType !== b[i].nodeType || a[i].nodeName !== b[i].nodeName) {
        return false;
      }
      if (a[i].nodeType === 1 && a[i].id !== b[i].id) {
        return false;
      }
    }
    return true;
  }

  var CONTROLS = "[id], input, select, textarea, button";

  /** An element the script may hold on to: one with an id, an input, or one holding
   * either. The same in every language; the rest is text and its markup. */
  function isAnchor(node) {
    return node.nodeType === 1 && (node.id !== "" || node.matches(CONTROLS) || node.querySelector(CONTROLS) !== null);
  }

  function copyTexts(live, model) {
    TEXT_ATTRIBUTES.forEach(function (name) {
      var wanted = model.getAttribute(name);
      if (wanted === null) {
        if (live.hasAttribute(name)) {
          live.removeAttribute(name);
        }
      } else if (live.getAttribute(name) !== wanted) {
        live.setAttribute(name, wanted);
      }
    });
    var mineNodes = Array.prototype.slice.call(live.childNodes);
    var theirs = Array.prototype.slice.call(model.childNodes);
    if (sameShape(mineNodes, theirs)) {
      copyEach(mineNodes, theirs);
      return;
    }
    // the anchors stay and are matched in order; the text between them is replaced
    var anchors = mineNodes.filter(isAnchor);
    var theirAnchors = theirs.filter(isAnchor);
    if (!sameShape(anchors, theirAnchors)) {
      return; // not qdef's markup: left as it is
    }
    var i = 0;
    var j = 0;
    for (var k = 0; k <= anchors.length; k++) {
      var gap = [];
      var theirGap = [];
      while (i < mineNodes.length && mineNodes[i] !== anchors[k]) {
        gap.push(mineNodes[i++]);
      }
      while (j < theirs.length && theirs[j] !== theirAnchors[k]) {
        theirGap.push(theirs[j++]);
      }
      if (sameShape(gap, theirGap)) {
        copyEach(gap, theirGap);
      } else {
        var next = k < anchors.length ? anchors[k] : null;
        gap.forEach(function (node) {
          live.removeChild(node);
        });
        theirGap.forEach(function (node) {
          live.insertBefore(doc.importNode(node, true), next);
        });
      }
      if (k < anchors.length) {
        copyTexts(anchors[k], theirAnchors[k]);
        i++;
        j++;
      }
    }
  }

  function copyEach(mineNodes, theirs) {
    for (var i = 0; i < mineNodes.length; i++) {
      if (mineNodes[i].nodeType === 1) {
        copyTexts(mineNodes[i], theirs[i]);
      } else if (mineNodes[i].nodeType === 3 && mineNodes[i].data !== theirs[i].data) {
        mineNodes[i].data = theirs[i].data;
      }
    }
  }

  /** Show the page in language ``lang`` (one of program.languages). */
  function switchLanguage(lang) {
    if (languages === null || lang === language || !own(languages, lang)) {
      return false;
    }
    if (!own(models, lang)) {
      var template = doc.querySelector('template[data-lang="' + lang + '"]');
      var copy = doc.importNode(template.content, true);
      arrange(copy);
      models[lang] = copy;
    }
    var model = models[lang];
    copyTexts(doc.querySelector("body > header"), model.querySelector("header"));
    copyTexts(doc.querySelector("body > main"), model.querySelector("main"));
    languages[lang].set.forEach(function (pair) {
      var path = pair[0];
      var at = program;
      for (var i = 0; i < path.length - 1; i++) {
        at = at[path[i]];
      }
      at[path[path.length - 1]] = pair[1];
    });
    messages = program.messages;
    pieces = program.pieces || [];
    texts = program.texts || [];
    language = lang;
    root.setAttribute("lang", lang);
    doc.title = languages[lang].title;
    Array.prototype.forEach.call(switcher.querySelectorAll("button[data-lang]"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-lang") === lang));
    });
    indexPipes();
    iterationNumbers = Array.prototype.slice.call(doc.querySelectorAll(".iteration-number"));
    // everything the script wrote is written again in the new language
    var errorsShown = Object.keys(shownErrors);
    var summaryOpen = summaryShown();
    var result = fullRefresh(); // the same answers and walk; problems in the new words
    Array.prototype.forEach.call(form.querySelectorAll('input[type="range"]'), showSlider);
    var state = { answers: answers, problems: problems };
    if (summaryOpen) {
      var found = [];
      result.shown.forEach(function (position) {
        check(steps[position], state, true).forEach(function (pair) {
          found.push({ step: steps[position], slot: pair[0], text: pair[1] });
        });
      });
      if (found.length) {
        showSummary(found, true);
      } else {
        summary.hidden = true;
      }
    } else {
      result.shown.forEach(function (position) {
        var step = steps[position];
        if (slotsOf(step).some(function (slot) { return errorsShown.indexOf(slot) >= 0; })) {
          check(step, state, false);
        }
      });
    }
    return true;
  }

  /** The response as saved: on a page with several languages, the language shown first. */
  function withLanguage(saved) {
    if (languages === null) {
      return saved;
    }
    var found = new Map([["_language", language]]);
    saved.forEach(function (answer, name) {
      found.set(name, answer);
    });
    return found;
  }

  if (languages !== null && switcher !== null) {
    switcher.hidden = false;
    switcher.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-lang]");
      if (button !== null) {
        switchLanguage(button.getAttribute("data-lang"));
      }
    });
  }

  /** A roster copy's name for a name of the roster and a slot. */
  var copyOf = Object.create(null); // roster -> slot -> the roster's name -> the copy's
  Object.keys(copies || {}).forEach(function (name) {
    var c = copies[name];
    var bySlot = (copyOf[c[0]] = copyOf[c[0]] || Object.create(null));
    (bySlot[c[1]] = bySlot[c[1]] || Object.create(null))[c[2]] = name;
  });

  /** The walk of an answer set whose rosters' answers are records (the k-th answering
   * the k-th iteration, as qdef.routing.interpreter takes them): each record is given
   * to the copy of its iteration's slot, walked again until the slots stay the same. */
  function walkGiven(given) {
    var rosters = program.rosters || [];
    var result = walk(given);
    for (var pass = 0; pass <= rosters.length; pass++) {
      var flat = new Map(given);
      rosters.forEach(function (roster) {
        flat.delete(roster.id);
        var records = given.get(roster.id);
        if (!Array.isArray(records)) {
          return;
        }
        var slots = [];
        result.response.forEach(function (answer, name) {
          if (own(copies, name) && copies[name][0] === roster.id && copies[name][2] === roster.item) {
            slots.push(copies[name][1]);
          }
        });
        slots.forEach(function (slot, k) {
          var record = records[k];
          if (record === null || typeof record !== "object" || Array.isArray(record)) {
            return;
          }
          Object.keys(record).forEach(function (name) {
            var names = copyOf[roster.id][slot];
            if (name !== roster.item && own(names, name)) {
              var answer = record[name];
              flat.set(names[name], answer !== null && typeof answer === "object" && !Array.isArray(answer)
                ? literal(answer) : answer);
            }
          });
        });
      });
      var again = walk(flat);
      if (serialize(again.response) === serialize(result.response) || pass === rosters.length) {
        return again;
      }
      result = again;
    }
    return result;
  }

  /** For pages that embed the form, and for tests: the walk on any answer set
   * (numbers too large for a double as {big: "digits"}), as the JSON saving writes. */
  /** Where the page differs from a full evaluation of its inputs (nothing, if
   * incremental routing is right): the answers kept, the path, the response, every
   * input's state, sections, reset buttons and marks. For tests; changes nothing. */
  function audit() {
    var found = [];
    var note = function (what, name) {
      found.push(what + ": " + name);
    };
    var fresh = read();
    var describe = function (value) {
      return typeof value === "bigint" ? value.toString() + "n" : JSON.stringify(value);
    };
    Object.keys(controls).forEach(function (name) {
      if (describe(fresh.answers.get(name)) !== describe(answers.get(name))) {
        note("answer kept", name);
      }
      if (fresh.problems.get(name) !== problems.get(name)) {
        note("problem kept", name);
      }
    });
    if (fresh.answers.size !== answers.size || fresh.problems.size !== problems.size) {
      note("answers kept", "more than the inputs hold");
    }
    var record = { reached: new Uint8Array(END), succ: new Int32Array(END) };
    var result = walk(fresh.answers, record, fromUrl);
    var onPath = new Uint8Array(END);
    var ordered = new Map();
    hidden.forEach(function (variable) {
      if (response.has(variable.name)) {
        ordered.set(variable.name, response.get(variable.name));
      }
    });
    result.shown.forEach(function (position) {
      onPath[position] = 1;
      var names = steps[position].computed ? [steps[position].q] : steps[position].vars;
      names.forEach(function (name) {
        if (response.has(name)) {
          ordered.set(name, response.get(name));
        }
      });
    });
    if (ordered.size !== response.size || serialize(ordered) !== serialize(result.response)) {
      note("response", serialize(response) + " != " + serialize(result.response));
    }
    steps.forEach(function (step, position) {
      var shown = onPath[position] === 1;
      var wrapper = wrappers[position];
      if (shownAt[position] !== onPath[position] || (wrapper !== null && wrapper.hidden === shown)) {
        note("shown", step.q);
      }
      if (reachedAt[position] !== record.reached[position]) {
        note("reached", step.q);
      } else if (record.reached[position] && succAt[position] !== record.succ[position]) {
        note("next", step.q);
      }
      var sets = new Map();
      var off = new Set(); // the inputs of options (rows) not offered
      if (step.offer && shown) {
        var offered = offeredOf(step, result.response);
        step.offer.codes.forEach(function (code) {
          var found = offerParts[step.q][code];
          found.inputs.forEach(function (input) {
            if (!offered.has(code)) {
              off.add(input);
            }
          });
          found.boxes.forEach(function (box) {
            if (box.hidden === offered.has(code)) {
              note("offered", step.q + ": " + code);
            }
          });
        });
      }
      step.vars.forEach(function (name) {
        var variable = info(name);
        var enabled =
          shown &&
          (!own(variable, "option") ||
            isChosen(result.response.get(variable.q), variable.option, sets));
        inputsOf(name).forEach(function (input) {
          var on = enabled && !off.has(input);
          if (input.disabled === on) {
            note(on ? "disabled" : "enabled", input.id);
          }
          if (!on && filled(input)) {
            note("not emptied", input.id);
          }
          if ((input.type === "date" || input.type === "month") &&
              input.classList.contains("empty") !== (input.value === "")) {
            note("empty mark", input.id);
          }
        });
        if (!enabled && own(shownErrors, name)) {
          note("message off the path", name);
        }
      });
      if (!shown) {
        slotsOf(step).forEach(function (slot) {
          if (own(shownErrors, slot)) {
            note("message off the path", slot);
          }
        });
      }
    });
    sections.forEach(function (section) {
      if (section.hidden !== (section.querySelector(".q:not([hidden])") === null)) {
        note("section", section.id);
      }
    });
    Object.keys(resetButtons).forEach(function (question) {
      var none = !(byQuestion[question] || []).some(isSet);
      resetButtons[question].forEach(function (button) {
        if (button.hidden !== none) {
          note("reset button", question);
        }
      });
    });
    if (root.classList.contains("blank") !== (fresh.answers.size === 0 && fresh.problems.size === 0)) {
      note("blank", "page");
    }
    Object.keys(pipeSpans).forEach(function (index) {
      var text = pieceText(pieces[index], result.response);
      pipeSpans[index].forEach(function (element) {
        if (element.textContent !== text) {
          note("piece", index + ": " + element.textContent + " != " + text);
        }
      });
    });
    Object.keys(textElements).forEach(function (index) {
      var text = textOf(index, result.response);
      textElements[index].forEach(function (element) {
        if (element.textContent !== text) {
          note("text", index + ": " + element.textContent + " != " + text);
        }
      });
    });
    return found;
  }

  /** For pages that embed the form, and for tests: the walk on any answer set
   * (numbers too large for a double as {big: "digits"}), as the JSON saving writes.
   * ``debug``, for tests: ``audit()`` (see above), ``work()`` (how many questions
   * and conditions routing has walked and evaluated since the page opened, not
   * counting full evaluations), ``refresh()`` (a full evaluation, as on opening)
   * and ``incremental`` (false where the script routes every change in full). */
  window.qdefForm = Object.freeze({
    walk: function (answers) {
      var given = new Map();
      Object.keys(answers).forEach(function (name) {
        var answer = answers[name];
        if (name !== "_order") {
          given.set(name, answer !== null && typeof answer === "object" && !Array.isArray(answer)
            ? literal(answer) : answer);
        }
      });
      var result = walkGiven(given);
      return {
        shown: result.shown
          .filter(function (position) {
            return !steps[position].computed; // never shown to the respondent
          })
          .map(function (position) {
            return original(steps[position].q);
          }),
        response: serialize(withOrder(result, answers._order)),
        errors: result.errors.map(function (error) {
          return [original(error[0]), error[1]];
        }),
        seed: seed
      };
    },
    debug: Object.freeze({
      audit: audit,
      /** An expression's value on a response (an object of answers), as JSON. */
      evaluate: function (expr, answers) {
        var given = new Map();
        Object.keys(answers).forEach(function (name) {
          var answer = answers[name];
          given.set(name, answer !== null && typeof answer === "object" && !Array.isArray(answer)
            ? literal(answer) : answer);
        });
        var got = value(expr, given);
        return got === ABSENT ? null : typeof got === "bigint" ? { big: got.toString() } : got;
      },
      /** The shuffle (docs/webform.md, "Random order"), for the tests that compare it
       * with Python's. */
      shuffled: function (items, anchored, given, key) {
        return shuffled(items, anchored, given, key);
      },
      formatNumber: function (x) {
        return formatNumber(x !== null && typeof x === "object" ? literal(x) : x);
      },
      work: function () {
        return { conditions: work.conditions, questions: work.questions };
      },
      refresh: function () {
        fullRefresh();
      },
      /** The language shown, and switching it (as the switcher's buttons do). */
      language: function () {
        return language;
      },
      switchLanguage: function (lang) {
        return switchLanguage(lang);
      },
      incremental: incremental
    })
  });

  fullRefresh();
  // ?_language=<language> in the page's address: opened in that language (a link per
  // language; "_" as in the saved key: no hidden variable's id starts with it)
  var asked = new URLSearchParams(window.location.search).get("_language");
  if (asked !== null) {
    switchLanguage(asked);
  }
})();
