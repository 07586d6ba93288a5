"""Compiled templates kept between runs (render/template_cache): a second run compiles nothing
and writes the same bytes, an edited template or another environment's settings are compiled
anew, and a cache that is not safe or not readable is simply not used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader, pass_context
from jinja2.bccache import bc_magic
from jinja2.runtime import Context

from aipm_content.render.template_cache import (
    CACHE_VARIABLE,
    TemplateCache,
    cache_folder,
    compile_settings,
    template_cache,
)
from conftest import SEED_MD
from harness import recorded

# Runs the CLI, then writes how many templates Jinja compiled to argv[1].
COUNTING = """
import atexit, json, sys
import jinja2
compiled = []
original = jinja2.Environment.compile
def counted(self, source, name=None, filename=None, *args, **kwargs):
    compiled.append(name)
    return original(self, source, name, filename, *args, **kwargs)
jinja2.Environment.compile = counted
atexit.register(lambda: open(sys.argv[1], "w").write(json.dumps(compiled)))
from aipm_content.cli import main
main(sys.argv[2:], prog_name="aipm-export")
"""


def compiled_by(tmp_path: Path, cache: str, *args: str) -> list[str]:
    """The templates one run of the CLI compiles with ``cache`` as its cache folder."""
    names: list[str] = recorded(tmp_path, COUNTING, *args, env={CACHE_VARIABLE: cache})
    return names


@pytest.mark.parametrize("fmt", ["epub", "scorm"])
def test_a_second_run_compiles_no_template_and_writes_the_same_bytes(
    tmp_path: Path, fmt: str
) -> None:
    cache = str(tmp_path / "cache")
    outputs = []
    for run, folder in enumerate([cache, cache, "off"]):
        out = tmp_path / f"{run}.{fmt}"
        outputs.append(out)
        compiled = compiled_by(tmp_path, folder, fmt, str(SEED_MD), "-o", str(out))
        if run == 1:
            assert compiled == []
        else:
            assert len(compiled) > 5, compiled
    assert outputs[0].read_bytes() == outputs[1].read_bytes() == outputs[2].read_bytes()
    assert (tmp_path / "cache" / "templates").stat().st_mode & 0o777 == 0o700


def environment(folder: Path, cache: Path, **settings: object) -> Environment:
    return Environment(
        loader=FileSystemLoader(folder),
        bytecode_cache=TemplateCache(str(cache), "%s.cache"),
        **settings,  # type: ignore[arg-type]
    )


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    compiled: list[str | None] = []
    original = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None, *args: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args)

    monkeypatch.setattr(Environment, "compile", counted)
    return compiled


def test_an_edited_template_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = counting(monkeypatch)
    (tmp_path / "t.html").write_text("first {{ x }}", encoding="utf-8")
    assert environment(tmp_path, tmp_path).get_template("t.html").render(x=1) == "first 1"
    assert environment(tmp_path, tmp_path).get_template("t.html").render(x=2) == "first 2"
    assert compiled == ["t.html"]
    (tmp_path / "t.html").write_text("second {{ x }}", encoding="utf-8")
    assert environment(tmp_path, tmp_path).get_template("t.html").render(x=3) == "second 3"
    assert compiled == ["t.html", "t.html"]


def test_each_environments_settings_have_their_own_entry(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("{% if x %}\n<b>{{ x }}</b>\n{% endif %}\n", encoding="utf-8")
    trimmed = environment(tmp_path, tmp_path, trim_blocks=True, autoescape=True)
    assert trimmed.get_template("t.html").render(x="&") == "<b>&amp;</b>\n"
    plain = environment(tmp_path, tmp_path)
    assert plain.get_template("t.html").render(x="&") == "\n<b>&</b>\n"
    assert compile_settings(trimmed) != compile_settings(plain)


def test_a_filter_passed_the_context_is_compiled_for_it(tmp_path: Path) -> None:
    # Jinja decides when compiling whether a filter is passed the context.
    (tmp_path / "t.html").write_text("{{ 'x' | mark }}", encoding="utf-8")
    plain = environment(tmp_path, tmp_path)
    plain.filters["mark"] = lambda value: f"[{value}]"
    assert plain.get_template("t.html").render() == "[x]"

    @pass_context
    def mark(context: Context, value: str) -> str:
        return f"[{value} {context['who']}]"

    contextual = environment(tmp_path, tmp_path)
    contextual.filters["mark"] = mark
    assert contextual.get_template("t.html").render(who="me") == "[x me]"


def test_a_damaged_entry_is_compiled_anew(tmp_path: Path) -> None:
    templates, cache = tmp_path / "t", tmp_path / "c"
    templates.mkdir()
    cache.mkdir()
    (templates / "t.html").write_text("ok {{ x }}", encoding="utf-8")
    environment(templates, cache).get_template("t.html")
    (entry,) = cache.iterdir()
    whole = entry.read_bytes()
    # Empty, not Jinja's, its header alone, a broken checksum (unpickled), cut short.
    for damaged in [b"", b"garbage", bc_magic, bc_magic + b"\x80\x04broken", whole[:-9]]:
        entry.write_bytes(damaged)
        assert environment(templates, cache).get_template("t.html").render(x=1) == "ok 1"


def test_a_cache_folder_that_went_away_is_a_miss(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text("ok", encoding="utf-8")
    env = environment(tmp_path, tmp_path / "gone")  # the entry cannot be written there
    assert env.get_template("t.html").render() == "ok"
    assert not (tmp_path / "gone").exists()


def test_the_folder_is_the_users_cache_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "aipm-content" / "templates"
    assert (tmp_path / "xdg" / "aipm-content" / "templates").stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "aipm-content" / "templates"
    assert not (tmp_path / "relative").exists()


def test_no_cache_is_used_where_the_folder_is_not_the_users_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    (shared / "templates").mkdir(parents=True)
    (shared / "templates").chmod(0o770)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "templates").symlink_to(elsewhere)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    for chosen in [str(shared), str(linked), str(blocked), "off"]:
        monkeypatch.setenv(CACHE_VARIABLE, chosen)
        assert cache_folder() is None, chosen
        assert template_cache() is None, chosen
