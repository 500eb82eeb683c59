"""The reading of numbers in the plan's words, on cases worked out by hand."""

from decimal import Decimal

import pytest

from fuxin_analysis.data.provenance import (
    quote_in_source,
    squash,
    stated_numbers,
    value_is_stated,
)


@pytest.mark.parametrize(
    ("quote", "unit", "value"),
    [
        ("累计发放各类资助资金2.2亿元", "yuan", 220_000_000),  # 2.2 × 10^8
        ("资助学生23万人次", "person_times", 230_000),  # 23 × 10^4
        ("投入资金 1655.9 万元", "yuan", 16_559_000),  # 1655.9 × 10^4
        ("新建校舍 14.33 万平方米", "m2", 143_300),  # 14.33 × 10^4
        ("贷款资金2.03亿元", "yuan", 203_000_000),
        ("学前三年毛入园率达到 95%以上", "percent", 95),
        ("高中阶段教育职普比由 3:7 提高到 4:6", "percent", 30),  # 3/(3+7) = 0.30
        ("高中阶段教育职普比由 3:7 提高到 4:6", "percent", 40),  # 4/(4+6) = 0.40
        ("每个乡镇至少办好一所三星级以上公办中心幼儿园", "schools_per_township", 1),  # 一所
        ("重点建设…五大专业群", "count", 5),  # 五
        ("确保中小学教师平均工资收入水平不低于当地公务员平均工资水平", "ratio", 1),  # parity
        ("建设 1-2 所", "schools", 2),
        ("减免人数40771人次", "person_times", 40771),
    ],
)
def test_value_is_stated(quote, unit, value):
    assert value_is_stated(value, quote, unit)


@pytest.mark.parametrize(
    ("quote", "unit", "value"),
    [
        ("累计发放各类资助资金2.2亿元", "yuan", 2.2),  # the multiplier must be applied
        ("资助学生23万人次", "person_times", 23_000),  # 23万 is 230,000, not 23,000
        ("学前三年毛入园率达到 95%以上", "percent", 59),
        ("高中阶段教育职普比由 3:7 提高到 4:6", "percent", 60),  # 6/(4+6) is the general share, not vocational
        ("确保中小学教师平均工资收入水平不低于当地公务员平均工资水平", "percent", 1),  # parity only for ratios
    ],
)
def test_value_not_stated(quote, unit, value):
    assert not value_is_stated(value, quote, unit)


def test_stated_numbers_of_a_sentence():
    # "2020 年全市 19 个厕所项目": the year and the count
    assert stated_numbers("2020 年全市 19 个厕所项目") == {Decimal(2020), Decimal(19)}


def test_quote_ignores_whitespace_and_line_breaks():
    source = "建成 1 所国家级和 2\n\n所省级中等职业教育改革发展示范校"
    assert squash(" 2所省级 ") == "2所省级"
    assert quote_in_source("2所省级中等职业教育改革发展示范校", source)
    assert not quote_in_source("3所省级", source)
    assert not quote_in_source("   ", source)


def test_an_even_ratio_is_a_half():
    """a:b with a = b is the share 100·a/(a+b) = 50 (only 0:0, a sum of 0, gives no share)."""
    assert stated_numbers("男女比例 1:1") == {Decimal(1), Decimal(50)}  # the digits 1 and 1, and 100·1/2
    assert stated_numbers("0:0") == {Decimal(0)}  # 0/(0+0) has no value: only the digit 0


def test_parity_needs_a_parity_word():
    """A ratio's parity (1) is read only from 不低于 / 不少于: a sentence with neither states no 1."""
    assert not value_is_stated(1, "教师平均工资收入水平高于当地公务员平均工资水平", "ratio")
    assert value_is_stated(1, "教师人数不少于当地标准", "ratio")
    assert stated_numbers("教师平均工资收入水平高于当地公务员平均工资水平", "ratio") == set()


@pytest.mark.parametrize(("value", "stated"), [
    (1.000000001, True),    # |1.000000001 − 1| = 1e-9 = 1e-9 × 1: at the tolerance, accepted
    (0.999999999, True),    # the same distance below
    (1.000000002, False),   # 2e-9 > 1e-9: just outside
    (0.999999998, False),
])
def test_value_is_stated_within_one_billionth(value, stated):
    assert value_is_stated(value, "建成 1 所", None) is stated


def test_zero_is_stated_by_a_zero():
    """A stated 0 matches the value 0 exactly (the relative tolerance of 0 is 0: only equality counts)."""
    assert value_is_stated(0, "欠薪清零，余额为 0 元", None)
    assert not value_is_stated(1e-12, "欠薪清零，余额为 0 元", None)
