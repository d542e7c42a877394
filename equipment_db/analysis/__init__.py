"""Read-only views across domains: system summaries, comparisons, quantity timelines."""
