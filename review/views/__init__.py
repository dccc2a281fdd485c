"""The office's workbench: the review queue, the clue page (review, rating, key clues, disposal, transfer, merge),
overdue disposals and the approval of submissions; and the page where staff declare their unit's data complete.

One module per page: ``queue`` (the home page, the review queue, overdue disposals), ``clue`` (the clue page and its
actions), ``approvals`` (the approval grid and the declaration), ``tasks`` (the responsible unit's disposal tasks). Each
view parses the request, asks a selector (the module of the same name in ``review.selectors``) or a service
(``review.services``, ``review.submissions``), and renders. Clues are looked up through the units the user reviews, so
staff meet a 404 on every clue page and action; a responsible unit reaches its disposal as a task, not as a clue.
"""
