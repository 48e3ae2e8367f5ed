"""The public board never shows a minor or a full number: minors are found from the start form
(flag, birth date, ID number) and from any 18-digit ID number in the notice, at the posting day;
phone and ID numbers are masked whatever their spacing, dashes or country prefix."""

from __future__ import annotations

from datetime import date

import pytest

from engine import public

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "shown"), [
    ("电话 13812345678", "电话 138****5678"),
    ("电话 138 1234 5678", "电话 138****5678"),
    ("电话 138-1234-5678", "电话 138****5678"),
    ("电话 +86 138-1234-5678", "电话 +86 138****5678"),
    ("电话 +8613812345678", "电话 +86 138****5678"),
    ("电话 0086 138 1234 5678", "电话 +86 138****5678"),
    ("座机 0351-5551234", "座机 0351-***1234"),
    ("座机 0351 555 1234", "座机 0351-***1234"),
    ("身份证 140121195003031234", "身份证 1401**********1234"),
    ("身份证 1401 2119 5003 0312 34", "身份证 1401**********1234"),
    ("身份证 1401-2119-5003-0312-3X", "身份证 1401**********123X"),
    ("电话 13812345678 2 人", "电话 138****5678 2 人"),
    ("公示期 2026-03-02 至 2026-03-09，金额 1200 元，监督电话 12388", "公示期 2026-03-02 至 2026-03-09，金额 1200 元，监督电话 12388"),
])  # fmt: skip
def test_numbers_are_masked_whatever_their_spacing(text, shown):
    assert public.mask_text(text) == shown


POSTED = date(2026, 3, 2)


@pytest.mark.parametrize(("start", "texts", "minor"), [
    ({}, ("户主：张三，身份证号 140121195003031234",), False),
    ({}, ("户主：张小明，身份证号 1401 2120 1205 0112 34",), True),   # born 2012: a minor, found in the notice
    ({}, ("成员：140121200803031234",), True),                        # born 2008-03-03: 17 on the posting day
    ({"applicant_id_number": "14012120100101123X"}, (), True),         # from the start form's ID number
    ({"applicant_is_minor": True}, (), True),                          # the form's flag
    ({"applicant_birth_date": "2008-03-02"}, (), False),               # 18 on the posting day
    ({"applicant_birth_date": "2008-03-03"}, (), True),
])  # fmt: skip
def test_minors_are_found_from_the_form_and_any_id_number_in_the_notice(start, texts, minor):
    assert public.is_minor(start, on=POSTED, texts=texts) is minor


def test_a_minor_identified_only_by_the_id_number_never_reaches_the_board(drive):
    driver = drive("power_jf_07", post_notice={"notice_content": "优待对象：张小明，身份证号 140121201205011234"})
    driver.run_until("post_notice")
    driver.step()
    assert driver.refresh().next_timer_due is not None  # the notice period runs
    assert [n for n in public.list_notices(now=driver.now) if n.case.pk == driver.case.pk] == []
    with pytest.raises(public.NoticeNotFound):
        public.get_notice(driver.case.pk, now=driver.now)


def test_the_board_masks_numbers_written_with_spaces(drive):
    driver = drive("power_jf_07", post_notice={"notice_content": "户主：王五，电话 +86 138 1234 5678，身份证 1401 2119 5003 0312 34"})
    driver.run_until("post_notice")
    driver.step()
    [notice] = [n for n in public.list_notices(now=driver.now) if n.case.pk == driver.case.pk]
    assert notice.content == "户主：王五，电话 +86 138****5678，身份证 1401**********1234"
