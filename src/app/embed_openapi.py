#!/usr/bin/python3
"""Converts docs/openapi.yaml to compact JSON and writes it as a C++ source defining
scout::app::kOpenApiJson (served at GET /openapi.json). Run by CMake at build time."""
import json
import sys

import yaml


def main() -> int:
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    delimiter = "SCOUTOPENAPI"
    if f"){delimiter}\"" in text:
        sys.exit("embed_openapi: the delimiter occurs in the document")
    with open(target, "w", encoding="utf-8") as f:
        f.write("// Generated from docs/openapi.yaml by src/app/embed_openapi.py; do not edit.\n")
        f.write("#include <string_view>\n\nnamespace scout::app {\n\n")
        f.write("extern const std::string_view kOpenApiJson;\n")
        f.write(f'const std::string_view kOpenApiJson = R"{delimiter}({text}){delimiter}";\n')
        f.write("\n}  // namespace scout::app\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
