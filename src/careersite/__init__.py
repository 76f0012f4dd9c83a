"""careersite: a static site generator for career guides."""
