"""Run every worked-example demo in order and print a one-screen summary.

    python demos/run_all.py [--out DIR]

Runs each worked example, demos/NN_*.py, in sorted order (01_, 02_, ...),
reads its module-level AGREED (True when the question's hand formulas and the
engine agree), EXAMPLE (what it is) and SHOWS, and ends with one line per
worked example.
(demos/train_digits.py, which trains on a data set, is not a worked example:
`make demo` runs it after this.)
Pictures go to DIR (default: $CHAINRULE_OUT_DIR, else ./out).
Exit status 0 when every demo ran and agreed, 1 otherwise.
"""

import argparse
import os
import pathlib
import runpy
import sys
import traceback

HERE = pathlib.Path(__file__).resolve().parent


def demo_paths():
    """The worked examples: demos/01_*.py, demos/02_*.py, ..."""
    return sorted(HERE.glob("[0-9][0-9]_*.py"))


def run_demo(path):
    """Run one demo as __main__; return its namespace, or None if it raised."""
    try:
        return runpy.run_path(str(path), run_name="__main__")
    except SystemExit as exc:
        if exc.code in (None, 0):
            return {}
        print(f"{path.name} exited with status {exc.code}")
        return None
    except Exception:  # report it and go on with the next demo
        traceback.print_exc()
        return None


def status_of(namespace):
    if namespace is None:
        return "ERROR"
    agreed = namespace.get("AGREED")
    return {True: "agreed", False: "DISAGREED"}.get(agreed, "ran")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run chainrule's worked examples.")
    parser.add_argument("--out", help="folder for the graph pictures "
                        "(default: $CHAINRULE_OUT_DIR, else ./out)")
    args = parser.parse_args(argv)
    if args.out:
        os.environ["CHAINRULE_OUT_DIR"] = args.out
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))

    results = []
    for path in demo_paths():
        print(f"\n===== {path.stem} =====")
        namespace = run_demo(path)
        ns = namespace or {}
        results.append((path.stem, ns.get("EXAMPLE", path.stem), status_of(namespace),
                        ns.get("SHOWS", "")))

    print("\n===== worked examples: hand formulas vs the engine =====")
    for stem, example, status, shows in results:
        print(f"{stem:26} {status:9}  {example}: {shows}")
    agreed = sum(status == "agreed" for _, _, status, _ in results)
    print(f"{agreed} of {len(results)} worked examples agree with the engine.")
    failed = any(status in ("ERROR", "DISAGREED") for _, _, status, _ in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
