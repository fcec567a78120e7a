"""What the peer-comparison tables share (compare_table.py, compare_sweeps_table.py): BenchmarkDotNet times in
seconds and the provenance lines (date, command, machine, versions, contention) of one run."""
import datetime
import subprocess

UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def seconds(text):
    """A BenchmarkDotNet time cell ("1,234.5 ms") in seconds."""
    value, unit = text.replace(",", "").split()
    return float(value) * UNITS[unit]


def sh(c):
    return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()


def print_provenance(machine, command):
    """The lines under a table's title: when and how it was measured, on what, and how to read its times."""
    print(f"Measured {datetime.date.today().isoformat()} with `{command}` (one run: peers then GpuSparse).  ")
    cpu = sh("lscpu | grep 'Model name' | sed 's/.*: *//'")
    print(f"Machine: {cpu}, nproc={sh('nproc')}, {machine['mem']}, {machine['os']}, "
          f"kernel {machine['kernel']}.  ")
    print(f"Versions: .NET {sh('dotnet --version')}, BenchmarkDotNet 0.15.8, python {machine['python']}, "
          f"numpy {machine['numpy']}, scipy {machine['scipy']}, scikit-learn {machine['sklearn']}, "
          f"{machine['R'] or 'R not timed'}.  ")
    print("The machine's 2 cores are shared with other engineers' builds and tests: absolute times move from run to "
          "run, ratios within one run are what this table claims. Peer rows record busy/foreign cores during the "
          "measurement (foreign > 0.15 = contended).\n")
