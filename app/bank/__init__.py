"""The curated question bank: reading and writing `questions/*.yaml` and checking it against its articles."""
