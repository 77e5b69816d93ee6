"""The dialect toolkit: what every input API needs so that bad input gets a clear answer.

``decoding`` turns a request body into a payload Struct within limits (size, nesting, lengths,
finite numbers) or an ``InvalidRequest`` with field paths and Spanish messages; ``fields``
checks single values (ASCII digits, e-mail, dates) without backtracking patterns; ``errors``
turns every exception under a dialect's path prefix into that dialect's own error shape.
Plugin authors reach all of it through ``core.api``.
"""
