"""From habilitación to producción: DIAN's test set, the switch, DIAN's numbering ranges.

``runner`` sends a tenant's test set and follows it to DIAN's verdict (resumable);
``test_set`` reads where a set stands; ``switch`` promotes a tenant to producción (and back);
``composition`` says how many documents of each kind a set holds; ``documents`` builds them.
"""
