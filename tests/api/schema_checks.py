"""Schemathesis calls against a live schema, shared by the API's schema tests."""

import hypothesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance


def schema_failures(
    schema, *, base_url: str, headers: dict, seed: int, examples: dict[GenerationMode, int]
) -> tuple[int, list[str]]:
    """Call every operation of ``schema`` with generated requests, ``examples`` per generation
    mode and a fixed ``seed``; returns how many operations there were and every failure.

    The positive-data-acceptance check is left out: a schema-valid string is rarely a category
    code, a place slug or a signed cursor that exists, so a 400 for it is the right answer.
    Every other check runs, negative data rejection among them.
    """
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode, count in examples.items():

            @settings(
                max_examples=count,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            @hypothesis.seed(seed)
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                case.call_and_validate(
                    base_url=base_url, headers=headers, excluded_checks=[positive_data_acceptance]
                )

            try:
                call()
            except (Exception, BaseExceptionGroup) as error:  # collect all failures
                failures.append(f"{mode.value} {operation.label}: {error}"[:2000])
    return operations, failures
