"""The sector-word table (criteria/sectors.yaml): how offices write 行业 and what it means.

Offices write 工贸, 工贸（冶金）, 建筑施工, 危化, 教育 where the criteria know 冶金,
房屋市政工程, 危险化学品. The words are domain knowledge a rule author extends, so they live
in YAML; this module only fixes the shape of that file so a mistake is reported at its line.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectorWord(Strict):
    """One meaning and the ways it is written."""

    words: tuple[str, ...] = Field(description="这一意思的各种写法")
    sector: str | None = Field(None, description="判定标准适用范围中的行业（事实“行业”的取值）")
    sub_sector: str | None = Field(None, description="细分行业（适用范围中的 sub_sectors）")
    family: str | None = Field(None, description="只知道标准族、不知道具体行业时：标准族 id")
    production: bool = Field(True, description="false：不是生产经营单位的行业（写了 sector 时仍按"
                                               "该行业标准判定，但不计入调度表的重大隐患）")
    reason: str | None = Field(None, description="说明；production 为 false 时必写")

    @model_validator(mode="after")
    def _shape(self) -> SectorWord:
        if self.production:
            if (self.sector is None) == (self.family is None):
                raise ValueError("sector 与 family 须写且只写一个（不是生产经营单位的写 production: false）")
            if self.sub_sector is not None and self.sector is None:
                raise ValueError("写了 sub_sector 时须写它所属的 sector")
        else:
            if self.family:
                raise ValueError("production: false 时不写 family"
                                 "（可写 sector：按该行业的标准判定，但不计入重大隐患）")
            if self.sub_sector is not None and self.sector is None:
                raise ValueError("写了 sub_sector 时须写它所属的 sector")
            if not self.reason:
                raise ValueError("production: false 时须写 reason（为什么不是生产经营单位）")
        return self


class InferWord(Strict):
    """Words in an enterprise name or description that say which sector of a family it is."""

    family: str = Field(description="这些词用于哪个标准族，如 gongmao")
    sector: str
    sub_sector: str | None = None
    words: tuple[str, ...] = Field(min_length=1)


class NonProductionNames(Strict):
    """Name words of units that are not production/business units (schools, hospitals …)."""

    words: tuple[str, ...] = Field(min_length=1)
    company_endings: tuple[str, ...] = Field((), description="以这些词结尾的名称仍是生产经营单位")


class SectorTable(Strict):
    sector_fact: str = Field("行业", description="记录行业的事实名称")
    sub_sector_fact: str | None = Field("细分行业", description="记录细分行业的事实名称")
    sectors: tuple[SectorWord, ...] = Field(min_length=1)
    infer: tuple[InferWord, ...] = ()
    non_production_names: NonProductionNames | None = None
