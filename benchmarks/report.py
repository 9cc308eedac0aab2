"""Markdown for the results: the stamp, tables, and number formats."""

import datetime
import os
import platform
import shlex
import sys
from importlib import metadata


def cpu_model():
    """The CPU's "model name" from /proc/cpuinfo (or what platform knows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def package_version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def command_line():
    """The command exactly as it was typed (interpreter and arguments)."""
    argv = getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv]
    return shlex.join(argv)


def stamp(extra=()):
    """Bullet lines: Python, CPU, date, command, package versions, anything in ``extra``."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"- Python: {platform.python_implementation()} {platform.python_version()}",
        f"- CPU: {cpu_model()} ({os.cpu_count()} logical cores)",
        f"- Date: {now}",
        f"- Command: `{command_line()}`",
    ]
    versions = [f"{name} {package_version(name) or 'not installed'}"
                for name in ("micrograd", "torch")]
    lines.append(f"- Peers: {', '.join(versions)}")
    if hasattr(os, "getloadavg"):   # other jobs on the machine slow every contender alike
        lines.append(f"- Load average at the end (1, 5, 15 min): "
                     f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    lines += [f"- {item}" for item in extra]
    return lines


def table(headers, rows):
    """A Markdown table (list of lines)."""
    def line(cells):
        return "| " + " | ".join(str(c) for c in cells) + " |"
    return [line(headers), line(["---"] * len(headers)), *map(line, rows)]


def seconds(s):
    """A duration with a unit that keeps 3 significant digits."""
    if s is None:
        return "—"
    if s >= 1.0:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} µs"


def ratio(x):
    """``x`` times: 2 significant digits below 0.1, 2 decimals below 10, 1 above."""
    if x is None:
        return "—"
    if x < 0.1:
        return f"{x:.2g}x"
    return f"{x:.2f}x" if x < 10 else f"{x:.1f}x"
