"""The unit tree (责任单位) and what units do: changes to the tree, effort records."""
