"""Citations: one revision of a claim rendered as CSL-JSON, BibTeX, RIS and formatted text
(APA, Chicago, MLA), each carrying the entry's version and permalink, its caveats
(qualifier, verification status, retraction) and the sources it rests on.

A pure library: it reads a claim revision snapshot (a dict) and never touches the database
or the network. Start at `equipment_db.citations.render`.
"""
