"""Offline plan: evaluate the real program in-process under Pulumi's mock runtime.

No AWS credentials and no Pulumi CLI are needed; the recorded graph is what
`pulumi preview` would be asked to create, minus provider-side validation and
the children that pulumi-eks creates at deploy time.
"""
