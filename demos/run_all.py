"""Run every worked-example demo in order and print a one-screen summary."""

import pathlib
import runpy
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main():
    demos = sorted(p for p in HERE.glob("*.py") if p.name != "run_all.py" and not p.name.startswith("_"))
    results = []
    for path in demos:
        print(f"\n===== {path.stem} =====")
        namespace = runpy.run_path(str(path), run_name="__main__")
        results.append((path.stem, namespace.get("AGREED")))
    print("\n===== summary =====")
    for name, agreed in results:
        status = "agreed" if agreed else ("DISAGREED" if agreed is False else "ran")
        print(f"{name:40} {status}")
    return 0 if all(a is not False for _, a in results) else 1


if __name__ == "__main__":
    sys.exit(main())
