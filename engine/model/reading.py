"""How descriptions state facts: the cue words every fact shares (``criteria/reading.yaml``).

Each fact lists its own phrases under ``says`` in the vocabulary; what turns a phrase into
"yes", "no" or a number is shared by all facts and lives here: negation words before a
phrase, failure words after a device, comparison words before a number, and the spellings
of each unit with their conversion factor. Keeping these in one file means a rule author
fixes "未按规定设置" once for every fact, not once per phrase.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.model.criteria import distinct_nonblank

COMPARE_KINDS = ("greater", "greater_equal", "less", "less_equal")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Compare(_Strict):
    greater: tuple[str, ...] = ()
    greater_equal: tuple[str, ...] = ()
    less: tuple[str, ...] = ()
    less_equal: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _disjoint(self) -> Compare:
        seen: dict[str, str] = {}
        for kind in COMPARE_KINDS:
            for w in distinct_nonblank(getattr(self, kind), f"compare.{kind} "):
                if w in seen:
                    raise ValueError(f"比较词 “{w}” 同时写在 {seen[w]} 和 {kind} 中")
                seen[w] = kind
        return self

    def kind_of(self) -> dict[str, str]:
        return {w: kind for kind in COMPARE_KINDS for w in getattr(self, kind)}


class Installed(_Strict):
    """"均设紧急切断阀", "都已装了报警器": an adverb, a verb of the ``verbs`` class, a device — set up."""

    verbs: str  # a class of ``equivalents``
    adverbs: tuple[str, ...] = ()
    except_after: tuple[str, ...] = ()  # 仅、只 before the verb: "只配了便携式检测仪" is what is missing


class ReadingRules(_Strict):
    """The shared cues; see the header of ``criteria/reading.yaml`` for what each one does."""

    negation_gap: int = Field(6, ge=0, le=20, description="否定词与说法之间最多隔几个字")
    after_gap: int = Field(4, ge=0, le=20, description="说法与其后失效词之间最多隔几个字")
    negation: tuple[str, ...]
    not_negating: tuple[str, ...] = ()
    negation_stops: tuple[str, ...] = ()
    establish: tuple[str, ...] = ()
    lapsed: tuple[str, ...] = ()  # after a measure (证照、许可): no longer valid
    failure: tuple[str, ...]
    working: tuple[str, ...]
    clause_breaks: tuple[str, ...]
    transitions: tuple[str, ...] = ()
    compare: Compare = Compare()
    units: dict[str, dict[str, float]] = Field(default_factory=dict)
    # words that stand for one another at the head of a phrase (未/没/没有…, 设置/装/安装/配备…)
    equivalents: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    lead_gap: int = Field(0, ge=0, le=6, description="说法开头的同义词之间最多隔几个字（未按规定设置）")
    lead_fillers: tuple[str, ...] = ()  # 了、过 after an equivalent verb: 没装过
    lead_counters: tuple[str, ...] = ()  # 一道、两台 between the head words and the rest
    lead_alone: tuple[str, ...] = ()  # classes whose one-character words may head a phrase alone (未, 仅)
    installed: Installed | None = None
    variants: dict[str, str] = Field(default_factory=dict)  # a typo or variant → the form the phrases use
    # generic names of safety devices (报警, 联锁, 泄爆): said to fail, the text is about a device
    device_heads: tuple[str, ...] = ()
    # parts and fittings of a device (防雨罩, 标签): a failure said of them is not the device's
    accessories: tuple[str, ...] = ()
    # words between a phrase and a negation that ends its clause (连墙件压根没有, 报警器一个都没装)
    denial_fillers: tuple[str, ...] = ()
    # words inside a phrase that make it say a state, beyond the cue lists above (已, 齐全, 单独)
    plain_cues: tuple[str, ...] = ()

    @field_validator("negation", "not_negating", "negation_stops", "establish", "lapsed", "failure",
                     "working", "transitions", "device_heads", "accessories", "denial_fillers",
                     "plain_cues")
    @classmethod
    def _clean(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return distinct_nonblank(v, "词表")

    @field_validator("units")
    @classmethod
    def _units(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for unit, spellings in v.items():
            if spellings.get(unit) != 1:
                raise ValueError(f"单位 “{unit}” 的写法中应有它自己，系数为 1")
            bad = [s for s, k in spellings.items() if not k or k <= 0]
            if bad:
                raise ValueError(f"单位 “{unit}” 的写法 {'、'.join(bad)} 系数应为正数")
        return v

    @field_validator("equivalents")
    @classmethod
    def _classes(cls, v: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        seen: dict[str, str] = {}
        for name, words in v.items():
            for w in distinct_nonblank(words, f"equivalents.{name} "):
                if w in seen:
                    raise ValueError(f"同义词 “{w}” 同时写在 {seen[w]} 和 {name} 中")
                seen[w] = name
        return v

    @field_validator("variants")
    @classmethod
    def _same_length(cls, v: dict[str, str]) -> dict[str, str]:
        bad = [f"{a}→{b}" for a, b in v.items() if len(a) != len(b) or not a or a == b]
        if bad:
            raise ValueError(f"variants 的写法与替换应等长且不同：{'、'.join(bad)}")
        return v

    @model_validator(mode="after")
    def _installed_class(self) -> ReadingRules:
        if self.installed is not None and self.installed.verbs not in self.equivalents:
            raise ValueError(f"installed.verbs “{self.installed.verbs}” 不是 equivalents 中的同义词类")
        unknown = [c for c in self.lead_alone if c not in self.equivalents]
        if unknown:
            raise ValueError(f"lead_alone 中的 {'、'.join(unknown)} 不是 equivalents 中的同义词类")
        return self

    def spellings(self, unit: str | None) -> dict[str, float]:
        """Unit spellings → factor into ``unit``; a unit not in the table is spelt only as itself."""
        if not unit:
            return {}
        return dict(self.units.get(unit, {unit: 1.0}))
