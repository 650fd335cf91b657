"""ember.nn.init (mirrors torch.nn.init)."""
