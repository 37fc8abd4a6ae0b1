// Package fleet runs harden over a registry's worth of images on the
// engines people already run: it writes a Kubernetes Indexed Job whose
// pods each audit one shard of the image list and attach the results to
// the images in their registry (package attach), so the pods share
// nothing but the registry. See docs/fleet.md.
package fleet

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// maxConfigMap is what Kubernetes stores in one ConfigMap (1 MiB), less
// room for its metadata.
const maxConfigMap = 1<<20 - 16<<10

// uid is the non-root user the pods run as (distroless's nonroot).
const uid = 65532

// Mount points inside the pod.
const (
	shardsDir = "/shards"
	cacheDir  = "/cache"
	tmpDir    = "/tmp"
	dockerDir = "/docker"
)

// Job describes the Kubernetes Job to write.
type Job struct {
	// Name names the Job, its ConfigMap and ServiceAccount (default
	// harden-fleet).
	Name      string
	Namespace string
	// Image is the harden image the pods run; pin it by digest
	// (name:tag@sha256:…) or harden runtime check flags it.
	Image string
	// Images are the references to audit (duplicates are audited once).
	Images []string
	// Shards is the number of completions, each one pod's share of the
	// images (default Parallelism; at most one per image).
	Shards int
	// Parallelism is how many pods run at once.
	Parallelism int
	// Jobs is harden's --jobs inside each pod (default 1).
	Jobs int
	// RegistrySecret names a Secret of type kubernetes.io/dockerconfigjson
	// with the registry credentials; empty for anonymous pulls and pushes.
	RegistrySecret string
	// Insecure passes --insecure (plain-HTTP registries).
	Insecure bool
	// Memory is each pod's memory request and limit (default 1Gi).
	Memory string
	// Args are more arguments for harden audit.
	Args []string
}

// Objects are the Kubernetes objects of a fleet run, in the order they
// must be applied.
type Objects struct {
	ServiceAccount *corev1.ServiceAccount
	ConfigMap      *corev1.ConfigMap
	Job            *batchv1.Job
}

// Build makes the objects: a ServiceAccount with no permissions and no
// token, a ConfigMap with one key per shard (the shard's references, one
// a line), and an Indexed Job whose pod of index i audits shard i with
// --attach.
func Build(j Job) (*Objects, error) {
	if err := j.defaults(); err != nil {
		return nil, err
	}
	shards := Shard(j.Images, j.Shards)
	data := map[string]string{}
	size := 0
	for i, s := range shards {
		data[strconv.Itoa(i)] = strings.Join(s, "\n") + "\n"
		size += len(data[strconv.Itoa(i)]) + 8
	}
	if size > maxConfigMap {
		return nil, fmt.Errorf("the image list is %d bytes, more than one ConfigMap holds (%d); split it into several Jobs", size, maxConfigMap)
	}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: j.Namespace, Labels: map[string]string{
			"app.kubernetes.io/name": "harden-fleet", "app.kubernetes.io/instance": j.Name, "app.kubernetes.io/managed-by": "harden"}}
	}
	no, yes := false, true
	sa := &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   meta(j.Name),
		AutomountServiceAccountToken: &no,
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta(j.Name + "-shards"),
		Data:       data,
	}
	completions, parallelism := int32(len(shards)), int32(min(j.Parallelism, len(shards)))
	backoff, ttl := int32(1), int32(7*24*3600)
	indexed := batchv1.IndexedCompletion
	mem := resource.MustParse(j.Memory)
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta(j.Name),
		Spec: batchv1.JobSpec{
			CompletionMode: &indexed,
			Completions:    &completions,
			Parallelism:    &parallelism,
			// a shard that fails is retried once on its own; the others go on
			BackoffLimitPerIndex:    &backoff,
			TTLSecondsAfterFinished: &ttl,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: meta("").Labels},
				Spec: corev1.PodSpec{
					RestartPolicy:                corev1.RestartPolicyNever,
					ServiceAccountName:           j.Name,
					AutomountServiceAccountToken: &no,
					EnableServiceLinks:           &no,
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   &yes,
						RunAsUser:      ptr(int64(uid)),
						RunAsGroup:     ptr(int64(uid)),
						FSGroup:        ptr(int64(uid)),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					Containers: []corev1.Container{{
						Name:  "harden",
						Image: j.Image,
						Args:  j.args(),
						Env:   j.env(),
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: *resource.NewQuantity(int64(j.Jobs), resource.DecimalSI), corev1.ResourceMemory: mem},
							Limits:   corev1.ResourceList{corev1.ResourceMemory: mem},
						},
						VolumeMounts: j.mounts(),
						SecurityContext: &corev1.SecurityContext{
							Privileged:               &no,
							AllowPrivilegeEscalation: &no,
							ReadOnlyRootFilesystem:   &yes,
							RunAsNonRoot:             &yes,
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
						},
					}},
					Volumes: j.volumes(),
				},
			},
		},
	}
	return &Objects{ServiceAccount: sa, ConfigMap: cm, Job: job}, nil
}

func (j *Job) defaults() error {
	if j.Name == "" {
		j.Name = "harden-fleet"
	}
	if j.Memory == "" {
		j.Memory = "1Gi"
	}
	if j.Jobs == 0 {
		j.Jobs = 1
	}
	if j.Parallelism <= 0 || j.Jobs < 0 || j.Shards < 0 {
		return fmt.Errorf("parallelism %d, jobs %d and shards %d must be positive", j.Parallelism, j.Jobs, j.Shards)
	}
	if j.Image == "" {
		return fmt.Errorf("no harden image to run")
	}
	if _, err := resource.ParseQuantity(j.Memory); err != nil {
		return fmt.Errorf("memory %q: %w", j.Memory, err)
	}
	var refs []string
	for _, r := range j.Images {
		r = strings.TrimSpace(r)
		if r == "" || strings.HasPrefix(r, "#") {
			continue
		}
		if strings.ContainsAny(r, " \t\r\n") {
			return fmt.Errorf("image reference %q has white space", r)
		}
		refs = append(refs, r)
	}
	if len(refs) == 0 {
		return fmt.Errorf("no images to audit")
	}
	j.Images = refs
	if j.Shards == 0 {
		j.Shards = j.Parallelism
	}
	return nil
}

// Shard splits the references into at most n shards: duplicates dropped,
// sorted so tags of one repository (which share most layers, and so the
// pod's layer cache) land together, cut into contiguous runs whose sizes
// differ by at most one (run i is refs[i·len/n : (i+1)·len/n], the cut
// batch.Shard makes on the h-batch branch).
func Shard(refs []string, n int) [][]string {
	refs = slices.Compact(slices.Sorted(slices.Values(refs)))
	n = max(1, min(n, len(refs)))
	out := make([][]string, n)
	for i := range n {
		out[i] = refs[i*len(refs)/n : (i+1)*len(refs)/n]
	}
	return out
}

// args is the harden command line of each pod: Kubernetes expands
// $(JOB_COMPLETION_INDEX) (no shell in a distroless harden image).
func (j *Job) args() []string {
	a := []string{"audit", "--attach", "--jobs", strconv.Itoa(j.Jobs), "--cache-dir", cacheDir,
		"--images-from", shardsDir + "/$(JOB_COMPLETION_INDEX)", "--format", "jsonl", "--quiet"}
	if j.Insecure {
		a = append(a, "--insecure")
	}
	return append(a, j.Args...)
}

func (j *Job) env() []corev1.EnvVar {
	env := []corev1.EnvVar{{Name: "HARDEN_TMPDIR", Value: tmpDir}, {Name: "XDG_CACHE_HOME", Value: cacheDir}, {Name: "HOME", Value: tmpDir}}
	if j.RegistrySecret != "" {
		env = append(env, corev1.EnvVar{Name: "DOCKER_CONFIG", Value: dockerDir})
	}
	return env
}

func (j *Job) mounts() []corev1.VolumeMount {
	m := []corev1.VolumeMount{{Name: "shards", MountPath: shardsDir, ReadOnly: true}, {Name: "cache", MountPath: cacheDir}, {Name: "tmp", MountPath: tmpDir}}
	if j.RegistrySecret != "" {
		m = append(m, corev1.VolumeMount{Name: "registry", MountPath: dockerDir, ReadOnly: true})
	}
	return m
}

func (j *Job) volumes() []corev1.Volume {
	v := []corev1.Volume{
		{Name: "shards", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: j.Name + "-shards"}}}},
		{Name: "cache", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	if j.RegistrySecret != "" {
		v = append(v, corev1.Volume{Name: "registry", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: j.RegistrySecret,
			Items:      []corev1.KeyToPath{{Key: corev1.DockerConfigJsonKey, Path: "config.json"}},
		}}})
	}
	return v
}

func ptr[T any](v T) *T { return &v }
