import pytest

from core.identity_numbers import MASK, find_identity_numbers, mask_identity_numbers


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("811218-9876", "personnummer"),
        ("811218+9876", "personnummer"),  # + marks a person of 100 years or more
        ("8112189876", "personnummer"),
        ("19811218-9876", "personnummer"),
        ("19811218+9876", "personnummer"),
        ("198112189876", "personnummer"),
        ("811278-9873", "samordningsnummer"),  # day 18 + 60
        ("19811278-9873", "samordningsnummer"),
    ],
)
def test_it_finds_identity_numbers_in_every_spelling(text, kind):
    numbers = find_identity_numbers(f"Mannen ({text}) sågs vid torget.")
    assert [n.kind for n in numbers] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "811218-9877",  # wrong check digit
        "811318-9875",  # month 13
        "811250-9876",  # day 50: neither a day nor a samordningsnummer day
        "0701234567",  # a mobile number
        "ärende 5000-123456",
        "21811218-9876",  # century 21
        "1234567890123",  # longer than any identity number
    ],
)
def test_it_leaves_other_numbers_alone(text):
    assert find_identity_numbers(text) == []
    assert mask_identity_numbers(text) == (text, 0)


def test_it_masks_every_number_and_keeps_the_rest_of_the_text():
    text = "Två personer, 811218-9876 och 19811278-9873, vid Hjällbo torg."
    masked, count = mask_identity_numbers(text)
    assert count == 2
    assert masked == f"Två personer, {MASK} och {MASK}, vid Hjällbo torg."
    assert "9876" not in masked and "9873" not in masked
