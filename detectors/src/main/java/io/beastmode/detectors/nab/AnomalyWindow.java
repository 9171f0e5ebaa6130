package io.beastmode.detectors.nab;

import java.time.LocalDateTime;

/** A labelled anomaly window, both ends inclusive. */
public record AnomalyWindow(LocalDateTime start, LocalDateTime end) {}
