"""The import contracts of `pyproject.toml` ([tool.importlinter]): layers, no cycle between feature packages,
blueprints on top, pure cores without Flask. See the README's Architecture section."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(folder: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(config), "--no-cache"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def test_the_app_keeps_its_import_contracts():
    result = _lint(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_name_the_layers_and_forbid_cycles():
    contracts = _contracts()
    layers = contracts["layers"]["layers"]
    assert layers[-1] == "app.models" and "app.policy" in layers[2]
    assert contracts["acyclic-features"]["type"] == "acyclic_siblings"
    assert contracts["acyclic-features"]["ancestors"] == ["app"]


def _package(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _config(tmp_path: Path, contract: dict) -> Path:
    """The real contract, pointed at the package `house` instead of `app`."""

    def rename(value):
        if isinstance(value, str):
            return value.replace("app.", "house.") if value != "app" else "house"
        if isinstance(value, list):
            return [rename(item) for item in value]
        return value

    lines = ["[importlinter]", "root_package = house", "", "[importlinter:contract:1]"]
    for key, value in contract.items():
        if key == "id":
            continue
        value = rename(value)
        if isinstance(value, list):
            lines.append(f"{key} =\n" + "\n".join(f"    {item}" for item in value))
        else:
            lines.append(f"{key} = {value}")
    config = tmp_path / "contracts.ini"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def test_a_new_cycle_between_feature_packages_breaks_the_contract(tmp_path):
    _package(
        tmp_path,
        {
            "house/__init__.py": "",
            "house/courses/__init__.py": "",
            "house/courses/service.py": "from house.quizzes import service as quizzes\n",
            "house/quizzes/__init__.py": "",
            "house/quizzes/service.py": "from house.courses import service as courses\n",
        },
    )
    result = _lint(tmp_path, _config(tmp_path, _contracts()["acyclic-features"]))
    assert result.returncode != 0, result.stdout
    assert ".quizzes -> .courses" in result.stdout


def test_a_blueprint_calling_another_features_service_is_no_cycle(tmp_path):
    _package(
        tmp_path,
        {
            "house/__init__.py": "",
            "house/courses/__init__.py": "",
            "house/courses/service.py": "",
            "house/courses/views.py": "from house.quizzes import service as quizzes\n",
            "house/quizzes/__init__.py": "",
            "house/quizzes/service.py": "from house.courses import service as courses\n",
        },
    )
    result = _lint(tmp_path, _config(tmp_path, _contracts()["acyclic-features"]))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_service_importing_its_blueprint_breaks_the_contract(tmp_path):
    _package(
        tmp_path,
        {
            "house/__init__.py": "",
            "house/courses/__init__.py": "",
            "house/courses/views.py": "",
            "house/courses/service.py": "from house.courses import views\n",
        },
    )
    contract = {**_contracts()["blueprints-on-top"], "containers": ["app.courses"]}
    result = _lint(tmp_path, _config(tmp_path, contract))
    assert result.returncode != 0, result.stdout
    assert "house.courses.service" in result.stdout
