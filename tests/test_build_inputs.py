"""``build`` and ``check`` over folders: what is found, what is refused, what a killed or
starved build leaves behind, and that the cache records the bytes that were rendered."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from aipm_content import catalog
from aipm_content.cli import main
from aipm_content.exporters import output
from conftest import SEED_MD

AIPM_EXPORT = str(Path(sys.executable).parent / "aipm-export")


def lesson(title: str, lesson_id: str | None = None, body: str = "Some text.") -> str:
    pinned = f"id: {lesson_id}\n" if lesson_id else ""
    return f"---\ntitle: {title}\n{pinned}---\n\n{body}\n"


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- folders ----------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """content/ with a subfolder, and folders a scan must leave alone."""
    content = tmp_path / "content"
    write(content / "intro.md", lesson("Intro"))
    write(content / "unit-1" / "pricing.md", lesson("Pricing"))
    write(content / "unit-1" / "deep" / "churn.md", lesson("Churn"))
    for skipped in (".drafts", "node_modules/pkg", ".venv", "env"):
        write(content / skipped / "broken.md", "no front matter\n")
    (content / "env" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    write(content / "old-dist" / "x.md", "no front matter\n")
    (content / "old-dist" / ".aipm-cache.json").write_text("{}", encoding="utf-8")
    return content


def test_check_takes_a_folder_and_reads_every_lesson_below_it(tree: Path) -> None:
    result = cli("check", tree)
    assert result.exit_code == 0, result.output
    checked = sorted(line.split(": ok")[0] for line in result.stdout.splitlines())
    assert checked == sorted(
        str(tree / p) for p in ("intro.md", "unit-1/pricing.md", "unit-1/deep/churn.md")
    )


def test_build_recurses_and_mirrors_subfolders(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    result = cli("build", tree, "-o", out, "--formats", "json")
    assert result.exit_code == 0, result.output
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("[!.]*.json"))
    assert built == ["intro.json", "unit-1/deep/churn.json", "unit-1/pricing.json"]
    again = cli("build", tree, "-o", out, "--formats", "json")
    assert "0 built, 3 cached" in again.output


def test_a_build_inside_the_lessons_folder_skips_its_own_output(tree: Path) -> None:
    out = tree / "dist"
    assert cli("build", tree, "-o", out, "--formats", "json").exit_code == 0
    (out / "intro.md").write_text("no front matter\n", encoding="utf-8")
    result = cli("build", tree, "-o", out, "--formats", "json")
    assert result.exit_code == 0, result.output
    assert "0 built, 3 cached" in result.output


def test_a_fifo_in_the_folder_is_a_located_error_not_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    write(folder / "ok.md", lesson("Fine"))
    os.mkfifo(folder / "pipe.md")
    result = cli("build", folder, "-o", tmp_path / "dist", "--formats", "json")
    assert result.exit_code == 2
    assert f"{folder / 'pipe.md'}:1:1: error[unreadable]: the file is not a regular file" in (
        result.stderr
    )
    assert (tmp_path / "dist" / "ok.json").is_file()


# -- two lessons, one id -----------------------------------------------------------------


def test_two_lessons_with_one_id_fail_at_the_second_ones_id(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    write(folder / "a.md", lesson("First", "pricing"))
    second = write(folder / "unit" / "b.md", lesson("Second", "pricing"))
    out = tmp_path / "dist"
    result = cli("build", folder, "-o", out, "--formats", "json")
    assert result.exit_code == 2
    assert f"{second}:3:1: error[duplicate-lesson-id]: lesson id 'pricing' is already" in (
        result.stderr
    )
    assert "a.md" in result.stderr
    assert (out / "a.json").is_file() and not (out / "unit" / "b.json").exists()
    # Also when the first is taken from the cache and only the second is new.
    second.unlink()
    assert cli("build", folder, "-o", out, "--formats", "json").exit_code == 0
    write(second, lesson("Second", "pricing"))
    again = cli("build", folder, "-o", out, "--formats", "json")
    assert again.exit_code == 2 and "duplicate-lesson-id" in again.stderr


# -- the cache records what was rendered --------------------------------------------------


def test_an_edit_during_the_build_is_not_cached_as_the_planned_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    source = write(folder / "a.md", lesson("Before"))
    out = tmp_path / "dist"
    assert cli("build", folder, "-o", out, "--formats", "json", "-j", "1").exit_code == 0
    write(source, lesson("Planned"))
    planned = catalog.plan

    def plan_then_edit(*args: object, **kwargs: object) -> object:
        made = planned(*args, **kwargs)  # type: ignore[arg-type]
        write(source, lesson("Edited while building"))
        return made

    monkeypatch.setattr(catalog, "plan", plan_then_edit)
    assert cli("build", folder, "-o", out, "--formats", "json", "-j", "1").exit_code == 0
    monkeypatch.undo()
    assert json.loads((out / "a.json").read_text("utf-8"))["title"] == "Edited while building"
    write(source, lesson("Planned"))  # the edit reverted: the output must be rebuilt
    result = cli("build", folder, "-o", out, "--formats", "json", "-j", "1")
    assert "1 built, 0 cached" in result.output
    assert json.loads((out / "a.json").read_text("utf-8"))["title"] == "Planned"


# -- writing: a full disk, a name taken, permissions ----------------------------------------


def test_a_full_disk_is_an_output_error_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    write(folder / "a.md", lesson("A"))
    write(folder / "b.md", lesson("B"))

    def full(temp: Path, target: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(output, "commit", full)
    out = tmp_path / "dist"
    result = cli("build", folder, "-o", out, "--formats", "json", "-j", "1")
    assert result.exit_code == 2
    for name in ("a.json", "b.json", ".aipm-cache.json"):
        assert f"{out / name}:1:1: error[output]: cannot write: No space left on device" in (
            result.stderr
        )
    assert "internal-error" not in result.output
    assert [p.name for p in out.iterdir()] == []


def test_a_folder_where_the_output_goes_is_an_output_error(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    write(folder / "a.md", lesson("A"))
    out = tmp_path / "dist"
    (out / "a.json").mkdir(parents=True)
    result = cli("build", folder, "-o", out, "--formats", "json")
    assert result.exit_code == 2
    assert f"{out / 'a.json'}:1:1: error[output]: cannot write: " in result.stderr


def test_outputs_keep_their_mode_or_follow_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "private.json"
    out.write_bytes(b"old")
    out.chmod(0o600)
    assert cli("json", SEED_MD, "-o", out).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o600
    old = os.umask(0o077)
    try:
        assert cli("json", SEED_MD, "-o", tmp_path / "new.json").exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o600


# -- a killed build ------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition: object, what: str, limit: float = 120.0) -> None:
    """Poll for an event (not a timing assertion: the limit only stops a broken run)."""
    end = time.monotonic() + limit
    while not condition():  # type: ignore[operator]
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    seed = SEED_MD.read_text("utf-8")
    for n in range(8):
        write(folder / f"lesson-{n}.md", seed.replace("id: ", f"id: n{n}-", 1))
    out = tmp_path / "dist"
    build = subprocess.Popen(
        [AIPM_EXPORT, "build", str(folder), "-o", str(out), "--formats", "pdf", "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(children(build.pid)) >= 2, "two workers")
        workers = children(build.pid)
        wait_for(lambda: any(out.glob("*.pdf")), "a first PDF")
        build.send_signal(signal.SIGKILL)
        build.wait()
        written = sorted(out.glob("*.pdf"))
        wait_for(lambda: not any(alive(w) for w in workers), "the workers to die")
    finally:
        build.kill()
    assert sorted(out.glob("*.pdf")) == written, "workers went on writing after the kill"
    assert len(written) < 8


def test_temporary_files_of_a_killed_export_are_removed_later(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that no longer runs
    out = tmp_path / "dist"
    out.mkdir()
    stale = out / f".a.json.{gone.pid}.0123456789abcdef.part"
    stale.write_bytes(b"half")
    other = out / f".b.pdf.{gone.pid}.0123456789abcdef.part"
    other.write_bytes(b"half")
    mine = out / f".a.json.{os.getpid()}.fedcba9876543210.part"  # a live writer's: kept
    mine.write_bytes(b"in progress")
    folder = tmp_path / "content"
    write(folder / "a.md", lesson("A"))
    assert cli("json", folder / "a.md", "-o", out / "a.json").exit_code == 0
    assert not stale.exists() and other.exists() and mine.exists()
    assert cli("build", folder, "-o", out, "--formats", "json").exit_code == 0
    assert not other.exists() and mine.exists()


# -- PDF: the preview, and bytes that do not depend on the folder --------------------------


def test_a_failed_preview_leaves_the_existing_pdf(tmp_path: Path) -> None:
    out = tmp_path / "lesson.pdf"
    out.write_bytes(b"an earlier PDF")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the preview folder should be", encoding="utf-8")
    source = write(tmp_path / "lesson.md", lesson("Preview"))
    result = cli("pdf", source, "-o", out, "--preview", blocked / "pages")
    assert result.exit_code == 2, result.output
    assert "error[output]" in result.stderr
    assert out.read_bytes() == b"an earlier PDF"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.md", "lesson.pdf", blocked.name]


def test_pdf_bytes_do_not_depend_on_the_lessons_folder(tmp_path: Path) -> None:
    from hostile_corpus import CORPUS

    outputs = []
    for folder in (tmp_path / "a", tmp_path / "somewhere" / "much" / "deeper"):
        (folder / "images").mkdir(parents=True)
        shutil.copy(CORPUS / "image-ok.md", folder / "lesson.md")
        shutil.copy(CORPUS / "images" / "dot.png", folder / "images" / "dot.png")
        out = folder / "lesson.pdf"
        assert cli("pdf", folder / "lesson.md", "-o", out).exit_code == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
