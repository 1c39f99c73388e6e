"""``suitability fhir``: the product's resources as FHIR, for clinic systems."""

from __future__ import annotations

import argparse
import sys
from typing import Any

EXIT_OK, EXIT_USAGE = 0, 2


def cmd_questionnaire(args: argparse.Namespace) -> int:
    from .fhir import dumps
    from .fhir.questionnaire import questionnaire_resource
    from .questionnaire import default_questionnaire, load_questionnaire
    from .web.settings import load_settings

    # Settings first (they refuse a base that is not an absolute URI): a bad one is told
    # before a long questionnaire is checked.
    base = load_settings(args.settings).canonical_base
    questionnaire = (
        load_questionnaire(args.questionnaire) if args.questionnaire else default_questionnaire()
    )
    resource = questionnaire_resource(questionnaire, fhir_version=args.fhir_version, base=base)
    sys.stdout.write(dumps(resource))
    return EXIT_OK


def add_command(sub: Any) -> None:
    fhir = sub.add_parser("fhir", help="the questionnaire as FHIR, for clinic systems")
    fhir_sub = fhir.add_subparsers(dest="fhir_command", metavar="WHAT")

    def usage(args: argparse.Namespace) -> int:
        fhir.print_help(sys.stderr)
        return EXIT_USAGE

    fhir.set_defaults(func=usage)
    p = fhir_sub.add_parser(
        "questionnaire", help="print the questionnaire as a FHIR Questionnaire (JSON)"
    )
    p.add_argument("questionnaire", nargs="?", metavar="QUESTIONNAIRE")
    p.add_argument(
        "--fhir-version", choices=("R4", "R5"), default="R5", help="FHIR release (default: R5)"
    )
    p.add_argument(
        "--settings",
        metavar="FILE",
        help="the clinic's settings file, for canonical_base (default: "
        "~/.config/suitability/settings.yaml if it exists)",
    )
    p.set_defaults(func=cmd_questionnaire)
