import os
import subprocess
import sys
from pathlib import Path

CORE = [
    "nlp",
    "nlp.text",
    "nlp.stopwords",
    "nlp.analyzer",
    "nlp.tags",
    "nlp.classify",
    "nlp.cluster",
    "nlp.similar",
    "nlp.explain",
    "nlp.triage",
    "nlp.route",
    "nlp.calibration",
    "nlp.index_store",
    "nlp.index_build",
    "nlp.model_store",
    "nlp.__main__",
    # the benchmarks judge the core as it is, without Django
    "benchmarks.common",
    "benchmarks.cross_source",
    "benchmarks.calibration",
    "benchmarks.classifier_dev",
    "benchmarks.classifier_variants",
    "benchmarks.feature_views_dev",
    "benchmarks.fewshot_methods",
    "benchmarks.calibration_variants",
    "benchmarks.triage_eval",
    "benchmarks.routing",
    "benchmarks.routing_delta",
    "benchmarks.similar_lookup",
    "benchmarks.index_scale",
    "benchmarks.grievance_links",
    "benchmarks.model_store_mmap",
    "benchmarks.router_fit",
]


def test_core_modules_import_no_django_and_build_no_analyzer():
    code = (
        "import importlib, sys\n"
        f"for m in {CORE!r}: importlib.import_module(m)\n"
        "import nlp.analyzer as a\n"
        "assert not a._cache, 'analyser built at import time'\n"
        "assert not any(k == 'django' or k.startswith('django.') for k in sys.modules), 'django imported'\n"
        "assert 'konlpy' not in sys.modules and 'jpype' not in sys.modules\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
