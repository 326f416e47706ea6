"""Text analysis of beneficiaries' comments and cases, in Arabic (Gulf and standard) and English.

``language`` (language by script), ``features`` (what the models see), ``training`` (the seed
set and the ratings' weak labels), ``classifier`` (sentiment and topics), ``routing`` (which
service a case is about) and ``themes`` (frequent and growing topics and phrases). Import the
module you need: this package imports nothing, so loading ``language`` or ``themes`` does not
load scikit-learn.
"""
