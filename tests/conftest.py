"""Root test configuration for the workspace-level tests (end-to-end programs under tests/e2e)."""
import os
import sys

# the e2e programs are imported as the package ``programs`` by tests/e2e/test_programs.py
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e"))
