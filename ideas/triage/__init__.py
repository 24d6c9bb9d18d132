"""The triage screen of ideas (/admin/triage/): ideas by topic cluster, suggested tracks and machine
tags to accept or correct, duplicate groups. Built on the NLP module's outputs stored on ideas;
reviewers' corrections are the labels of the next `nlp_refit`."""
