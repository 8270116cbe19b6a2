"""Field messages in Vietnamese: a blank left in a form says the field is required, a wrong type says so."""

from pydantic import BaseModel, ValidationError

from docservice.validation import field_errors


class _Org(BaseModel):
    code: str
    parent_id: int


def _errors(data: dict) -> dict[str, str]:
    try:
        _Org.model_validate(data)
    except ValidationError as exc:
        return field_errors(exc)
    raise AssertionError("accepted")


def test_a_blank_is_required_not_of_the_wrong_type():
    assert _errors({"code": None, "parent_id": None}) == {"code": "Trường này là bắt buộc.",
                                                         "parent_id": "Trường này là bắt buộc."}


def test_a_value_of_the_wrong_type_is_named_as_such():
    assert _errors({"code": 5, "parent_id": "x"}) == {"code": "Phải là chuỗi ký tự.", "parent_id": "Phải là số nguyên."}
