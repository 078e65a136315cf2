"""Load ``rules/checks/*.yaml`` into validated Rule models that remember their source lines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from engine.errors import HazcheckError, RuleFileError
from engine.load.factkinds import kind_key
from engine.load.positioned import Located, load_yaml, validation_error
from engine.model.rules import Rule


@dataclass(frozen=True)
class LoadedRule:
    """A rule plus where it was written, so compile errors can point at the line."""

    rule: Rule
    doc: Located
    index: int  # position in the file's ``rules`` list

    def line(self, key: str | None = None) -> int | None:
        path: tuple[object, ...] = ("rules", self.index) + ((key,) if key else ())
        return self.doc.line_of(path)

    def error(self, key: str, message: str, hint: str | None = None) -> RuleFileError:
        return RuleFileError(message, file=self.doc.file, line=self.line(key),
                             field=f"{self.rule.id}.{key}", hint=hint)


def rules_from_document(doc: Located,
                        on_error: Callable[[HazcheckError], None] | None = None) -> list[LoadedRule]:
    """The rules of one checks file. The first invalid rule stops loading — unless ``on_error``
    is given (``hazcheck rules lint``): then each invalid rule is handed to it and skipped."""
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise doc.error((), "规则文件应包含 rules: 列表")
    extra = set(data) - {"rules"}
    if extra:
        raise doc.error((sorted(extra, key=str)[0],), "不认识的键（规则文件只有 rules: 一项）")
    out = []
    for i, item in enumerate(data["rules"]):
        try:
            try:
                written = {**item, "on": kind_key(item.get("on"))} if isinstance(item, dict) else item
                out.append(LoadedRule(Rule.model_validate(written), doc, i))
            except ValidationError as exc:
                raise validation_error(doc, exc, ("rules", i)) from exc
        except HazcheckError as exc:
            if on_error is None:
                raise
            on_error(exc)
    return out


def load_rules(folder: Path, *, into: list[LoadedRule] | None = None, pack: bool = False) -> list[LoadedRule]:
    """Every rule under ``folder`` (sorted by file name), after the rules of ``into``.

    A repeated id is an error naming both places — unless the rule comes from a rule pack and
    says ``overrides: true``, which replaces the earlier rule where it stood.
    """
    rules: list[LoadedRule] = list(into or [])
    seen: dict[str, int] = {r.rule.id: n for n, r in enumerate(rules)}
    for path in sorted(folder.glob("*.yaml")):
        for loaded in rules_from_document(load_yaml(path)):
            at = seen.get(loaded.rule.id)
            if loaded.rule.overrides and at is None:
                raise loaded.error("overrides", f"overrides: true，但没有要替换的规则 “{loaded.rule.id}”")
            if at is not None and not (pack and loaded.rule.overrides):
                first = rules[at]
                hint = "规则包中的规则要替换内置规则，写 overrides: true" if pack else None
                where = f"{first.doc.file}:{first.line('id')}"
                raise loaded.error("id", f"规则 id “{loaded.rule.id}” 与 {where} 重复", hint)
            if at is not None:
                rules[at] = loaded
            else:
                seen[loaded.rule.id] = len(rules)
                rules.append(loaded)
    return rules
