"""Build the site in this folder: `python build.py [same options as careersite build]`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "src"))

from careersite.cli import main

if __name__ == "__main__":
    main(["build", *sys.argv[1:]])
