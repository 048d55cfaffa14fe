"""Form documents: the JSON that describes a procedure's form, and how answers are checked.

A form is a document (schema.FormDocument) of pages holding questions; pages can be shown
on conditions over earlier answers, and an exit page ends the journey with an explanation.
Published versions are immutable; an application keeps the version it was made with.
"""
