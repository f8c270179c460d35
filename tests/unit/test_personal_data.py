import pytest

from chalicelib.integrations.personal import contact_of, digits_of

KEY = b"deployment-key"


@pytest.mark.parametrize("written", [
    "+7 (916) 123-45-67", "8 916 123 45 67", "9161234567", "79161234567"])
def test_one_number_written_any_way_hashes_and_masks_the_same(written):
    contact = contact_of(written, KEY)

    assert digits_of(written) == "79161234567"
    assert contact == contact_of("+79161234567", KEY)
    assert contact is not None and contact.number_masked == "+7********67"


def test_the_hash_depends_on_the_deployments_key():
    ours = contact_of("+79161234567", KEY)
    other = contact_of("+79161234567", b"another-key")

    assert ours is not None and other is not None
    assert ours.number_hash != other.number_hash
    assert "9161234567" not in ours.number_hash
