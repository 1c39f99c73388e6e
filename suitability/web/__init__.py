"""The web app: self-screening in a browser, tablet intake at the front desk, the practitioner's
desk and an HTTP API, on the same core as the terminal (questionnaire, answers, assess())."""
