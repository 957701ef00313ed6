"""AWS-side components of the platform, each a pulumi.ComponentResource."""
