#!/usr/bin/python3
# Reads OpenMetrics text on stdin with the reference parser
# (python3-prometheus-client) and prints one line per sample:
#   TYPE family name{label="v",...} value
# Exits 1 (with the parser's complaint) if the text is not valid.
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families

try:
    for fam in text_string_to_metric_families(sys.stdin.read()):
        for s in fam.samples:
            labels = ','.join('%s="%s"' % kv for kv in sorted(s.labels.items()))
            print('%s %s %s{%s} %s' % (fam.type, fam.name, s.name, labels,
                                       repr(float(s.value))))
except Exception as e:      # the parser raises ValueError and others
    print('invalid OpenMetrics: %s' % e, file=sys.stderr)
    sys.exit(1)
