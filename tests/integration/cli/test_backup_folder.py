"""`flask backup` creates the folders of its destination, and names the path when it cannot."""

from __future__ import annotations


def test_backup_creates_the_missing_folders_of_its_destination(app, runner, tmp_path):
    target = tmp_path / "backups" / "2026" / "casewise.json"
    result = runner.invoke(args=["backup", "--format", "json", str(target)])
    assert result.exit_code == 0, result.output
    assert target.is_file() and target.stat().st_size > 0


def test_a_file_in_the_way_of_the_folder_is_named_and_nothing_is_written(app, runner, tmp_path):
    blocker = tmp_path / "backups"
    blocker.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(args=["backup", "--format", "json", str(blocker / "casewise.json")])
    assert result.exit_code == 1
    assert f"cannot create the folder {blocker}" in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"
