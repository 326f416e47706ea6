"""Writing a definition back as YAML, in the same shape a designer writes it."""

from __future__ import annotations

from typing import Any

import yaml

from tahawul.definitions.schema import ServiceDefinition


class _DefinitionDumper(yaml.SafeDumper):
    pass


def _represent_mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.MappingNode:
    # Bilingual texts and short records read best on one line, as in the documentation.
    short = set(data) == {"ar", "en"} and sum(len(str(value)) for value in data.values()) < 90
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=short)


_DefinitionDumper.add_representer(dict, _represent_mapping)


def definition_yaml(definition: ServiceDefinition) -> str:
    """The definition as YAML, settings left at their defaults omitted; loads back to the same."""
    document = definition.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.dump(document, Dumper=_DefinitionDumper, allow_unicode=True, sort_keys=False, width=100)
