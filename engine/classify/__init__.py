"""Classification of findings against the determination criteria (``hazcheck classify``)."""
