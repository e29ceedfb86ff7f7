"""Text normalisation shared by the NLU pipeline (Rasa, Python 3.10) and the bot (Python 3.11+).

``normalize`` is pure Python with no dependencies, so both environments import the same code:
the Rasa tokenizer in ``nlu_components.tokenizer`` applies it to every token at training and at
inference, and the bot applies it to knowledge-base search. Change it here only: a change
retrains the model (it is part of the training inputs' hash).
"""
