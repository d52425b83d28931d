"""What every topic shares: data sets and uploads, the shipped files, trainings (jobs, worker processes, Ray, the one `fit`), and the look of every chart."""
