"""Named permissions of the NLP triage screen, combined once from the predicates of `ideas.predicates`.

Reviewers use the triage screen to plan their work and correct tracks and tags (blind: masked texts
only, never the author nor the raw text); only moderators and site admins start a re-fit.
"""

import rules

from ideas.predicates import is_moderator, is_reviewer, is_site_admin

rules.add_perm("nlp.view_triage", is_moderator | is_reviewer | is_site_admin)
rules.add_perm("nlp.change_triage", is_moderator | is_reviewer | is_site_admin)
rules.add_perm("nlp.refit_triage", is_moderator | is_site_admin)
