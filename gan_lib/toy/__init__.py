"""The toy problems: 1-D and 2-D samplers, small MLP GANs, and their metrics (chapters 2-5)."""
