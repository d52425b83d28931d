"""What every topic shares: data sets and uploads, the shipped files, trainings (jobs, worker processes, Ray,
the one `fit`), what every train command writes (`shipping`), and the look of every chart."""
