"""CIFAR-10: the class's CNNs, their training, looking inside them, and their charts."""
