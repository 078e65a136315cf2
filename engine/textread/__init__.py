"""Reading facts from written descriptions (隐患描述)."""
