"""The package as users install it: a wheel in a fresh virtual environment finds its grammar.

The grammar lives in the repository's top-level grammars/ folder.  An editable
install reads it from there (every other test runs that way); the wheel carries
it inside the package.  This test builds the wheel, installs it into a new
virtual environment and runs `lvscf` outside the checkout.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from conftest import EXAMPLES, ROOT


def test_wheel_installs_and_runs(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("lvscf-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "lvscf/grammars/lvs.lark" in names and "lvscf/py.typed" in names

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    proc = subprocess.run([str(env / "bin" / "lvscf"), "convert", "--to", "json",
                           str(EXAMPLES / "lvs-nat-tutorial.cf")], cwd=outside, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["virtuals"][0]["name"] == "www"
    where = subprocess.run([str(python), "-c", "import lvscf.parse.grammar as g, importlib.resources as r;"
                            "print(r.files('lvscf').joinpath('grammars').joinpath('lvs.lark'))"],
                           cwd=outside, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(env) and Path(where).is_file()
