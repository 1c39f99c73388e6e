"""The public surface is small and pinned: changing it is a deliberate act."""

import suitability


def test_all__names_exactly_the_public_api() -> None:
    assert sorted(suitability.__all__) == sorted(
        [
            "Answers",
            "AnswersError",
            "Assessment",
            "Fit",
            "FitReason",
            "Flag",
            "Problem",
            "Question",
            "Questionnaire",
            "QuestionnaireError",
            "Reason",
            "RulesError",
            "StorageError",
            "SuitabilityError",
            "TreatmentVerdict",
            "Verdict",
            "__version__",
            "answers_schema",
            "assess",
            "default_questionnaire",
            "load_questionnaire",
            "read_answers_file",
            "validate_answers",
        ]
    )


def test_every_public_name_exists() -> None:
    for name in suitability.__all__:
        assert hasattr(suitability, name), name


def test_errors__share_one_root() -> None:
    for name in ("QuestionnaireError", "AnswersError", "RulesError", "StorageError"):
        assert issubclass(getattr(suitability, name), suitability.SuitabilityError)
