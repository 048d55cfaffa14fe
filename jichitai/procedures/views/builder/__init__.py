"""The form builder (様式作成) for department administrators, under /staff/builder/.

Every page works as plain forms (POST-redirect-GET); htmx only swaps the main region in place.
Procedures of other departments are simply not found (404).

One module a part of the builder: procedures (list, new, details), overview (the draft and its
settings), pages, conditions, questions, publishing, transfer (JSON import and export) and
preview; common holds what they share, deletion the confirmation every deletion asks first.
"""
