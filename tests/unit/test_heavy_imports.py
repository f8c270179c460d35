import subprocess
import sys


def test_loading_the_app_loads_neither_pyarrow_nor_openpyxl():
    # pyarrow lives in a layer attached to the export function only; the API
    # function must not need it (the design: 250 MB per function).
    probe = ("import sys, app; "
             "print(sorted(m for m in ('pyarrow', 'openpyxl', 'duckdb') "
             "if m in sys.modules))")

    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True,
                           text=True, check=True, env={"DMM_STAGE": "unit",
                                                       "PYTHONPATH": "."})

    assert shown.stdout.strip() == "[]"
